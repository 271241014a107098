/*
 * license: the license table (SPDX ids and the attributes that decide AI
 * use), SPDX expressions, and policy evaluation.
 */
#ifndef PROV_LICENSE_H
#define PROV_LICENSE_H

#include "core/core.h"

/* The SPDX License List version the built-in id table follows. */
extern const char license_spdx_list_version[];

/* 1 if id is on the SPDX license list (case-insensitive match, as SPDX
 * specifies), 0 otherwise. *canonical (optional) gets the list's spelling. */
int license_id_known(const char *id, const char **canonical);
/* 1 if id is an SPDX license exception (for WITH). */
int license_exception_known(const char *id, const char **canonical);

/* Checks an SPDX license expression (SPDX spec annex D): ids from the list,
 * optional '+', LicenseRef-<idstring> (and DocumentRef-x:LicenseRef-y),
 * AND / OR / WITH (case-sensitive operators, AND binding tighter than OR),
 * parentheses. On success, *normalised (optional, malloc'd) gets the
 * expression with canonical id spellings and single spaces. PROV_EINVALID
 * names the unknown id or the position of a syntax error. */
int license_expr_check(const char *expr, char **normalised);

#endif
