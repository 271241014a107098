/* Internal to core: writing a git pack file and its version-2 index. */
#ifndef PROV_PACK_H
#define PROV_PACK_H

#include <git2.h>

/* Writes the objects named by oids (read from odb; duplicates allowed) as
 * one undeltified pack with its .idx under pack_dir, each file written to
 * a temporary name, synced and renamed, the index last, so git never sees
 * half a pack. name (41 bytes) gets the pack's checksum in hex, the NAME of
 * pack-NAME.pack, so a caller can remove the pack again. */
int pack_write(char name[41], const char *pack_dir, git_odb *odb,
	       const git_oid *oids, size_t n);

#endif
