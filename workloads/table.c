/* table.c - the one list of workloads. */
#include <string.h>
#include "workloads.h"

const struct tb_workload *const wl_table[] = {
	&wl_compress,
	&wl_seqio,
	&wl_fileserver,
	&wl_build,
	&wl_oltp,
	&wl_netstream,
	&wl_transfer,
	&wl_selftest,
	NULL,
};

const struct tb_workload *wl_lookup(const char *name)
{
	size_t i;

	if (!name)
		return NULL;
	for (i = 0; wl_table[i]; i++)
		if (strcmp(wl_table[i]->name, name) == 0)
			return wl_table[i];
	return NULL;
}
