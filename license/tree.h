/*
 * SPDX expressions as trees, private to the license module: expr.c builds
 * them while it checks an expression, eval.c evaluates them.
 */
#ifndef PROV_LICENSE_TREE_H
#define PROV_LICENSE_TREE_H

#include <stddef.h>

enum license_node_kind { LNODE_ID, LNODE_AND, LNODE_OR };

struct license_node {
	enum license_node_kind kind;
	/* LNODE_ID: the id as normalised (canonical case; a LicenseRef- id
	 * with its DocumentRef- prefix), whether '+' followed it, and the
	 * exception after WITH (NULL if none). */
	char *id;
	int plus;
	char *exception;
	/* LNODE_AND, LNODE_OR: two or more operands, in order. */
	struct license_node **kids;
	size_t nkids;
};

struct license_expr {
	char *normalised;
	struct license_node *root;
	struct license_node **nodes; /* every node, for freeing */
	size_t nnodes;
};

/* license_expr_check, keeping the tree. */
int license_expr_parse(struct license_expr **out, const char *expr);
void license_expr_free(struct license_expr *e);

#endif
