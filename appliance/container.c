/* container.c - is this process in a container, and which engine?
 *
 * Evidence is collected, not guessed from one file: /.dockerenv (docker),
 * /run/.containerenv (podman), /run/systemd/container (nspawn and others
 * write their name there), container= in PID 1's environment, /proc/vz
 * without /proc/bc (OpenVZ/Virtuozzo), and engine names in /proc/1/cgroup.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "appliance.h"
#include "tb_json.h"
#include "tb_util.h"

struct evidence {
	struct tb_json *j;
	char *engine;
	size_t n;
	int found;
};

static void found(struct evidence *e, const char *what, const char *engine)
{
	tb_json_str(e->j, what);
	if (!e->found && engine && *engine)
		snprintf(e->engine, e->n, "%s", engine);
	e->found = 1;
}

static void environ_container(struct evidence *e)
{
	char *text = NULL, *p;
	size_t len;

	if (tb_read_file("/proc/1/environ", &text, &len) < 0)
		return;
	for (p = text; p < text + len; p += strlen(p) + 1)
		if (!strncmp(p, "container=", 10)) {
			char *what = tb_strdupf("/proc/1/environ: %s", p);

			found(e, what ? what : "/proc/1/environ", p + 10);
			free(what);
			break;
		}
	free(text);
}

static void cgroup_names(struct evidence *e)
{
	static const char *const names[][2] = {
		{ "docker", "docker" }, { "libpod", "podman" },
		{ "kubepods", "kubernetes" }, { "lxc", "lxc" },
		{ "machine.slice", "systemd-nspawn" },
	};
	char *text = NULL;
	size_t len, i;

	if (tb_read_file("/proc/1/cgroup", &text, &len) < 0)
		return;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strstr(text, names[i][0])) {
			char *what = tb_strdupf("/proc/1/cgroup: %s",
						names[i][0]);

			found(e, what ? what : "/proc/1/cgroup", names[i][1]);
			free(what);
		}
	free(text);
}

/* Detection only; the engine name (if known) into engine[n]. */
int sysinfo_in_container(char *engine, size_t n)
{
	struct tb_json j;
	char name[64];
	int found;

	tb_json_init(&j);
	tb_json_obj_begin(&j);
	found = sysinfo_container(&j, name, sizeof(name));
	tb_json_free(&j);
	if (engine && n)
		snprintf(engine, n, "%s", name);
	return found;
}

/* Writes "container": {...}; returns 1 when detected. */
int sysinfo_container(struct tb_json *j, char *engine, size_t n)
{
	struct evidence e = { j, engine, n, 0 };
	char *sd;

	engine[0] = '\0';
	tb_json_key(j, "container");
	tb_json_obj_begin(j);
	tb_json_key(j, "evidence");
	tb_json_arr_begin(j);
	if (access("/.dockerenv", F_OK) == 0)
		found(&e, "/.dockerenv", "docker");
	if (access("/run/.containerenv", F_OK) == 0)
		found(&e, "/run/.containerenv", "podman");
	sd = fs_read_line("/run/systemd/container");
	if (sd)
		found(&e, "/run/systemd/container", sd);
	free(sd);
	environ_container(&e);
	if (access("/proc/vz", F_OK) == 0 && access("/proc/bc", F_OK) != 0)
		found(&e, "/proc/vz without /proc/bc", "openvz");
	cgroup_names(&e);
	tb_json_arr_end(j);
	tb_json_kbool(j, "detected", e.found);
	tb_json_key(j, "engine");
	engine[0] ? tb_json_str(j, engine) : tb_json_null(j);
	tb_json_obj_end(j);
	return e.found;
}
