/* peercheck.c - before the runs: does the peer agent answer?
 *
 * Only when the profile has a workload that needs the peer and one is
 * configured (bench.peer / --peer).  The agent may still be booting, so
 * this waits up to netwait seconds (bench.netwait / --netwait) for its
 * greeting, then records its manifest (checked to be JSON) for the run's
 * manifest.json.  When it does not answer, that sentence becomes every
 * network run's failure reason; the other workloads run as usual.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "appliance.h"
#include "peer.h"
#include "tb_json.h"
#include "tb_util.h"

static int profile_needs_peer(const struct app *a)
{
	size_t i;

	if (!a->prof_ok)
		return 0;
	for (i = 0; i < a->prof.ninst; i++)
		if (a->prof.inst[i].wl->needs_peer)
			return 1;
	return 0;
}

static char *fetch_manifest(struct peer *pc, char *err, size_t n)
{
	char *json = NULL;
	size_t len = 0;

	if (peer_manifest(pc, &json, &len, err, n) < 0)
		return NULL;
	if (tb_json_check(json, len, err, n) < 0 || strlen(json) != len) {
		free(json);
		return NULL;
	}
	return json;
}

void session_peer(struct app *a)
{
	struct peer pc;
	char err[256];
	uint64_t t0 = tb_now_ns();

	if (a->net_error || !a->peer || !profile_needs_peer(a))
		return;
	con_printf(&a->con, "twinbench: peer %s: waiting up to %d s for its "
		   "agent\n", a->peer, a->netwait);
	if (peer_open(&pc, a->peer, a->token, a->netwait, err,
		      sizeof(err)) < 0) {
		a->net_error = tb_strdupf("%s (waited up to %d s)", err,
					  a->netwait);
	} else {
		a->peer_manifest = fetch_manifest(&pc, err, sizeof(err));
		if (!a->peer_manifest)
			a->net_error = tb_strdupf("peer %s: MANIFEST: %s",
						  a->peer, err);
		peer_close(&pc);
	}
	if (a->net_error)
		con_printf(&a->con, "twinbench: %s; the network runs fail\n",
			   a->net_error);
	else
		con_printf(&a->con, "twinbench: peer %s answered after %.1f "
			   "s\n", a->peer,
			   (double)(tb_now_ns() - t0) / 1e9);
}
