/* agent_info.c - what the peer agent says about its machine: MANIFEST's
 * JSON (the same facts a run's manifest.json holds, sysinfo.c and
 * hardware.c) and the interface byte counters STOP reports.
 *
 * {"schema":1,"agent":"twinbench serve","protocol":1,
 *  "twinbench_version":…,"image":{"id":…,"id_reason":…,
 *  "manifest_sha256":…},"kernel":{"release","version","machine",
 *  "cmdline"},"system":{…},"hardware":{…},"container":{…},
 *  "binaries":[{"name","path","sha256"}…],"ports":{…},
 *  "scratch":{"path":…,"medium":{…}}}
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "agent_priv.h"
#include "appliance.h"
#include "tb_json.h"
#include "tb_sha256.h"
#include "tb_util.h"

#define IMAGE_MANIFEST "/etc/twinbench/manifest.json"
#define IMAGE_INITRD "/boot/initrd.img"	/* BENCHBOOT, as init.c hashes */

static void ksn(struct tb_json *j, const char *k, const char *v)
{
	tb_json_key(j, k);
	v ? tb_json_str(j, v) : tb_json_null(j);
}

static void image_json(const struct agent_cfg *cfg, struct tb_json *j)
{
	char id[65], man[65];
	const char *reason = NULL;
	int have_id = cfg->image_id != NULL;

	if (!have_id && tb_sha256_file(IMAGE_INITRD, id) == 0)
		have_id = 1;
	else if (!have_id)
		reason = access(IMAGE_MANIFEST, F_OK) == 0 ?
			"no " IMAGE_INITRD " (ISO, PXE or direct kernel boot)" :
			"not the appliance image: no " IMAGE_MANIFEST;
	tb_json_key(j, "image");
	tb_json_obj_begin(j);
	ksn(j, "id", have_id ? (cfg->image_id ? cfg->image_id : id) : NULL);
	ksn(j, "id_reason", reason);
	ksn(j, "manifest_sha256", tb_sha256_file(IMAGE_MANIFEST, man) == 0 ?
	    man : NULL);
	tb_json_obj_end(j);
}

static void kernel_json(struct tb_json *j)
{
	struct utsname u;
	int ok = uname(&u) == 0;
	char *cmdline = fs_read_line("/proc/cmdline");

	tb_json_key(j, "kernel");
	tb_json_obj_begin(j);
	ksn(j, "release", ok ? u.release : NULL);
	ksn(j, "version", ok ? u.version : NULL);
	ksn(j, "machine", ok ? u.machine : NULL);
	ksn(j, "cmdline", cmdline);
	tb_json_obj_end(j);
	free(cmdline);
}

static void binary(struct tb_json *j, const char *name, const char *path,
		   const char *hashed)
{
	char hex[65];

	tb_json_obj_begin(j);
	tb_json_kstr(j, "name", name);
	ksn(j, "path", path);
	ksn(j, "sha256", tb_sha256_file(hashed, hex) == 0 ? hex : NULL);
	tb_json_obj_end(j);
}

static void binaries_json(const struct agent_cfg *cfg, struct tb_json *j)
{
	static const char *const tools[] = { "netserver", "iperf3", "rsync" };
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	size_t i;

	self[n > 0 ? n : 0] = '\0';
	tb_json_key(j, "binaries");
	tb_json_arr_begin(j);
	binary(j, "twinbench", n > 0 ? self : NULL, "/proc/self/exe");
	for (i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
		char *path = tb_strdupf("%s/%s", cfg->bindir, tools[i]);

		if (path)
			binary(j, tools[i], path, path);
		free(path);
	}
	tb_json_arr_end(j);
}

static void ports_json(const struct agent_cfg *cfg, struct tb_json *j)
{
	tb_json_key(j, "ports");
	tb_json_obj_begin(j);
	tb_json_kint(j, "agent", cfg->port);
	tb_json_kint(j, "netserver", cfg->port + TB_AGENT_OFF_NETSERVER);
	tb_json_kint(j, "netperf_data", cfg->port + TB_AGENT_OFF_NETPERF_DATA);
	tb_json_kint(j, "iperf3", cfg->port + TB_AGENT_OFF_IPERF3);
	tb_json_kint(j, "rsync", cfg->port + TB_AGENT_OFF_RSYNC);
	tb_json_obj_end(j);
}

/* hardware_describe() wants the app's boot facts; outside PID 1 only the
 * command line is known. */
static void hardware_json(const struct agent_cfg *cfg, struct tb_json *j)
{
	struct app a;
	char *hw = NULL;

	tb_json_key(j, "hardware");
	if (cfg->hardware) {
		tb_json_raw(j, cfg->hardware);
		return;
	}
	memset(&a, 0, sizeof(a));
	a.cmdline = fs_read_line("/proc/cmdline");
	hw = hardware_describe(&a);
	hw ? tb_json_raw(j, hw) : tb_json_null(j);
	free(hw);
	free(a.cmdline);
}

char *info_manifest(const struct agent_cfg *cfg)
{
	struct tb_json j;
	char engine[64], *out = NULL, *medium;

	tb_json_init(&j);
	tb_json_obj_begin(&j);
	tb_json_kint(&j, "schema", 1);
	tb_json_kstr(&j, "agent", "twinbench serve");
	tb_json_kint(&j, "protocol", TB_AGENT_PROTO);
	tb_json_kstr(&j, "twinbench_version", TB_VERSION);
	image_json(cfg, &j);
	kernel_json(&j);
	sysinfo_json(&j);
	hardware_json(cfg, &j);
	sysinfo_container(&j, engine, sizeof(engine));
	binaries_json(cfg, &j);
	ports_json(cfg, &j);
	tb_json_key(&j, "scratch");
	tb_json_obj_begin(&j);
	tb_json_kstr(&j, "path", cfg->scratch);
	medium = scratch_describe(cfg->scratch);
	tb_json_key(&j, "medium");
	medium ? tb_json_raw(&j, medium) : tb_json_null(&j);
	free(medium);
	tb_json_obj_end(&j);
	tb_json_obj_end(&j);
	if (!tb_json_error(&j))
		out = strdup(j.buf);
	tb_json_free(&j);
	return out;
}

/* Received and sent bytes over every interface (/proc/net/dev). */
int info_net_bytes(uint64_t *rx, uint64_t *tx)
{
	char *text = NULL, *line, *save = NULL;
	size_t len;
	int rc = tb_read_file("/proc/net/dev", &text, &len), n = 0;

	if (rc < 0)
		return rc;
	*rx = *tx = 0;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':');
		unsigned long long r, t;

		if (colon && sscanf(colon + 1, "%llu %*u %*u %*u %*u %*u %*u "
				    "%*u %llu", &r, &t) == 2) {
			*rx += r;
			*tx += t;
			n++;
		}
	}
	free(text);
	return n ? 0 : -ENOENT;
}
