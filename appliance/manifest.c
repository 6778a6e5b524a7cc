/* manifest.c - manifest.json of a run: what ran, where and how.
 *
 * Written when the run starts ("status":"running") and again at the end
 * with the final status and timings; both times atomically.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "appliance.h"
#include "tb_json.h"
#include "tb_sha256.h"
#include "tb_util.h"

static void ksn(struct tb_json *j, const char *k, const char *v)
{
	tb_json_key(j, k);
	v ? tb_json_str(j, v) : tb_json_null(j);
}

/* Minimal check that text is one JSON object: balanced brackets outside
 * strings, no raw control characters inside them, nothing after it. */
static int json_object_ok(const char *s)
{
	int depth = 0, in_str = 0;

	s += strspn(s, " \t\r\n");
	if (*s != '{')
		return 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (in_str) {
			if (c < 0x20)
				return 0;
			if (c == '\\' && s[1])
				s++;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			if (--depth == 0)
				break;
			if (depth < 0)
				return 0;
		}
	}
	if (!*s)
		return 0;
	s++;
	return s[strspn(s, " \t\r\n")] == '\0';
}

static void image_json(struct app *a, struct tb_json *j)
{
	char *text = NULL;
	size_t len;

	tb_json_key(j, "image");
	tb_json_obj_begin(j);
	ksn(j, "id", a->image_id);
	ksn(j, "id_reason", a->image_id ? NULL : a->image_reason);
	tb_json_key(j, "manifest");
	if (tb_read_file("/etc/twinbench/manifest.json", &text, &len) < 0)
		tb_json_null(j);
	else if (strlen(text) == len && json_object_ok(text))
		tb_json_raw(j, text);
	else
		tb_json_str(j, text);
	free(text);
	tb_json_obj_end(j);
}

static void binary(struct tb_json *j, const char *name, const char *path)
{
	char hex[65];
	int rc = tb_sha256_file(path, hex);

	tb_json_obj_begin(j);
	tb_json_kstr(j, "name", name);
	tb_json_kstr(j, "path", path);
	ksn(j, "sha256", rc == 0 ? hex : NULL);
	tb_json_obj_end(j);
}

static int tool_seen(const struct app *a, size_t upto, const char *name)
{
	size_t i, t;

	for (i = 0; i < upto; i++) {
		const char *const *tools = a->prof.inst[i].wl->tools;

		for (t = 0; tools && tools[t]; t++)
			if (!strcmp(tools[t], name))
				return 1;
	}
	return 0;
}

/* Each tool of the profile's workloads once. */
static void tools_json(struct app *a, struct tb_json *j)
{
	size_t i, t;

	for (i = 0; a->prof_ok && i < a->prof.ninst; i++) {
		const char *const *tools = a->prof.inst[i].wl->tools;

		for (t = 0; tools && tools[t]; t++) {
			char *path;

			if (tool_seen(a, i, tools[t]))
				continue;
			path = tb_strdupf("%s/%s", a->bindir, tools[t]);
			if (path)
				binary(j, tools[t], path);
			free(path);
		}
	}
}

/* Our own binary: hashed through /proc/self/exe, named by its path. */
static void self_json(struct tb_json *j)
{
	char path[4096], hex[65];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);

	path[n > 0 ? n : 0] = '\0';
	tb_json_obj_begin(j);
	tb_json_kstr(j, "name", "twinbench");
	ksn(j, "path", n > 0 ? path : NULL);
	ksn(j, "sha256", tb_sha256_file("/proc/self/exe", hex) == 0 ? hex :
	    NULL);
	tb_json_obj_end(j);
}

static void binaries_json(struct app *a, struct tb_json *j)
{
	tb_json_key(j, "binaries");
	tb_json_arr_begin(j);
	self_json(j);
	tools_json(a, j);
	if (a->scratch_formatted && a->mke2fs)
		binary(j, "mke2fs", a->mke2fs);
	tb_json_arr_end(j);
}

static void kernel_json(struct app *a, struct tb_json *j)
{
	struct utsname u;
	int ok = uname(&u) == 0;

	tb_json_key(j, "kernel");
	tb_json_obj_begin(j);
	ksn(j, "release", ok ? u.release : NULL);
	ksn(j, "version", ok ? u.version : NULL);
	ksn(j, "machine", ok ? u.machine : NULL);
	ksn(j, "cmdline", a->cmdline);
	ksn(j, "fw_cfg_params", a->fwcfg_params);
	tb_json_obj_end(j);
}

static void profile_json(struct app *a, struct tb_json *j)
{
	char hex[65];

	tb_json_key(j, "profile");
	tb_json_obj_begin(j);
	ksn(j, "name", a->profile_name);
	ksn(j, "source", a->profile_source);
	ksn(j, "path", a->profile_path);
	if (a->profile_text)
		tb_sha256_hex(a->profile_text, strlen(a->profile_text), hex);
	ksn(j, "sha256", a->profile_text ? hex : NULL);
	ksn(j, "text", a->profile_text);
	ksn(j, "error", a->profile_error);
	tb_json_obj_end(j);
}

static void storage_json(struct app *a, struct tb_json *j)
{
	tb_json_key(j, "storage");
	tb_json_obj_begin(j);
	ksn(j, "results", a->results_root);
	ksn(j, "results_device", a->res_dev);
	ksn(j, "results_note", a->results_note);
	ksn(j, "boot_device", a->boot_dev);
	ksn(j, "scratch", a->scratch);
	ksn(j, "scratch_device", a->scratch_dev);
	tb_json_kbool(j, "scratch_formatted", a->scratch_formatted);
	ksn(j, "scratch_note", a->scratch_note);
	tb_json_key(j, "scratch_medium");
	a->scratch_json ? tb_json_raw(j, a->scratch_json) : tb_json_null(j);
	tb_json_obj_end(j);
}

/* The peer of the network workloads: its address and the manifest its
 * agent sent (hardware, kernel, its binaries' sha256). */
static void peer_json(struct app *a, struct tb_json *j)
{
	tb_json_key(j, "peer");
	if (!a->peer) {
		tb_json_null(j);
		return;
	}
	tb_json_obj_begin(j);
	ksn(j, "address", a->peer);
	tb_json_kbool(j, "token", a->token != NULL);
	ksn(j, "error", a->net_error);
	tb_json_key(j, "manifest");
	a->peer_manifest ? tb_json_raw(j, a->peer_manifest) :
		tb_json_null(j);
	tb_json_obj_end(j);
}

static void knum_or_null(struct tb_json *j, const char *k, double v)
{
	tb_json_key(j, k);
	v >= 0 ? tb_json_num(j, v) : tb_json_null(j);
}

static void timings_json(struct app *a, struct tb_json *j)
{
	const struct app_timings *t = &a->t;

	tb_json_key(j, "timings");
	tb_json_obj_begin(j);
	knum_or_null(j, "kernel_uptime_at_start_s", t->uptime_at_start);
	knum_or_null(j, "modules_s", t->modules_s);
	tb_json_kint(j, "modules_loaded", t->modules_loaded);
	tb_json_kint(j, "modules_failed", t->modules_failed);
	knum_or_null(j, "disk_wait_s", t->disk_wait_s);
	knum_or_null(j, "mkfs_s", t->mkfs_s);
	knum_or_null(j, "runner_s", t->runner_s);
	tb_json_key(j, "wall_start_ns");
	tb_json_uint(j, t->wall_start_ns);
	tb_json_key(j, "wall_end_ns");
	t->wall_end_ns ? tb_json_uint(j, t->wall_end_ns) : tb_json_null(j);
	tb_json_obj_end(j);
}

int manifest_write(struct app *a, int final)
{
	struct tb_json j;
	char engine[64];
	int rc;

	tb_json_init(&j);
	tb_json_obj_begin(&j);
	tb_json_kint(&j, "schema", 1);
	tb_json_kstr(&j, "twinbench_version", TB_VERSION);
	tb_json_kstr(&j, "run", a->run_id);
	tb_json_kstr(&j, "label", a->label);
	tb_json_kstr(&j, "mode", a->mode == APP_APPLIANCE ? "appliance" :
		     "container");
	tb_json_kstr(&j, "status", final ? a->status : "running");
	if (final) {
		tb_json_key(&j, "reason");
		a->reason ? tb_json_str(&j, a->reason) : tb_json_null(&j);
	}
	image_json(a, &j);
	binaries_json(a, &j);
	kernel_json(a, &j);
	profile_json(a, &j);
	sysinfo_json(&j);
	tb_json_key(&j, "hardware");
	a->hardware ? tb_json_raw(&j, a->hardware) : tb_json_null(&j);
	sysinfo_container(&j, engine, sizeof(engine));
	storage_json(a, &j);
	peer_json(a, &j);
	timings_json(a, &j);
	tb_json_obj_end(&j);
	rc = tb_json_error(&j);
	if (rc == 0)
		rc = tb_write_file_atomic(a->run_dir, "manifest.json", j.buf,
					  j.len);
	tb_json_free(&j);
	return rc;
}
