/* net.c - PID 1 only: bench.net= brings up the first network interface.
 *
 *   bench.net=dhcp                  busybox udhcpc (a lease within the bound)
 *   bench.net=ADDR/PREFIX[,GW]      a static address, optional default route
 *
 * The steps are bounded by bench.netwait= seconds (default 30) each: an
 * interface other than lo appears (its driver is one of the flavour's
 * modules), it has a link (carrier), it has an address.  What did not come
 * up is returned as one sentence that the console shows and that every run
 * needing the network records as its failure reason; the boot goes on.
 * The configuration itself is busybox's ip, run with a fixed argv.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "boot.h"
#include "tb_util.h"

#define BUSYBOX "/bin/busybox"
#define DHCP_SCRIPT "/tmp/udhcpc.script"

struct net_spec {
	int dhcp;
	char addr[INET_ADDRSTRLEN + 3];		/* ADDR/PREFIX */
	char gw[INET_ADDRSTRLEN];
};

static int parse_spec(const char *text, struct net_spec *ns, char *err,
		      size_t n)
{
	char buf[64], *slash, *comma, *end;
	struct in_addr ia;
	long prefix;

	memset(ns, 0, sizeof(*ns));
	if (!strcmp(text, "dhcp")) {
		ns->dhcp = 1;
		return 0;
	}
	if (strlen(text) >= sizeof(buf))
		goto bad;
	strcpy(buf, text);
	comma = strchr(buf, ',');
	if (comma) {
		*comma++ = '\0';
		if (inet_pton(AF_INET, comma, &ia) != 1)
			goto bad;
		snprintf(ns->gw, sizeof(ns->gw), "%s", comma);
	}
	slash = strchr(buf, '/');
	if (!slash)
		goto bad;
	*slash++ = '\0';
	errno = 0;
	prefix = strtol(slash, &end, 10);
	if (!*slash || *end || errno || prefix < 1 || prefix > 32 ||
	    inet_pton(AF_INET, buf, &ia) != 1)
		goto bad;
	snprintf(ns->addr, sizeof(ns->addr), "%s/%ld", buf, prefix);
	return 0;
bad:
	snprintf(err, n, "bench.net=%s: use dhcp or ADDR/PREFIX[,GW] (IPv4, "
		 "e.g. 10.77.0.2/24)", text);
	return -1;
}

/* Run busybox APPLET args...; its exit status, or -1. */
static int bb(const char *const *argv)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		execv(BUSYBOX, (char *const *)argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static uint64_t now_ms(void)
{
	return tb_now_ns() / 1000000;
}

static void nap(void)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

/* The first interface other than lo, by name; 0 or -1. */
static int first_if(char *name, size_t n)
{
	DIR *d = opendir("/sys/class/net");
	struct dirent *e;
	int found = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, "lo") ||
		    strlen(e->d_name) >= n)
			continue;
		if (!found || strcmp(e->d_name, name) < 0)
			snprintf(name, n, "%s", e->d_name);
		found = 1;
	}
	closedir(d);
	return found ? 0 : -1;
}

static int has_carrier(const char *ifname)
{
	char path[96], *line;
	int up;

	snprintf(path, sizeof(path), "/sys/class/net/%s/carrier", ifname);
	line = fs_read_line(path);
	up = line && line[0] == '1';
	free(line);
	return up;
}

/* Wait for an interface and its link; NULL or the reason. */
static char *wait_link(char *ifname, size_t n, int wait_s)
{
	uint64_t t0 = now_ms(), bound = (uint64_t)wait_s * 1000;
	const char *up_lo[] = { "ip", "link", "set", "lo", "up", NULL };
	const char *up[] = { "ip", "link", "set", ifname, "up", NULL };

	bb(up_lo);
	while (first_if(ifname, n) < 0) {
		if (now_ms() - t0 >= bound)
			return tb_strdupf("network: no network interface "
					  "appeared within %d s (is the NIC's "
					  "driver in this flavour?)", wait_s);
		nap();
	}
	if (bb(up) != 0)
		return tb_strdupf("network: ip link set %s up failed", ifname);
	t0 = now_ms();
	while (!has_carrier(ifname)) {
		if (now_ms() - t0 >= bound)
			return tb_strdupf("network: no link on %s within %d s",
					  ifname, wait_s);
		nap();
	}
	return NULL;
}

static int write_dhcp_script(void)
{
	static const char script[] =
		"#!/bin/sh\n"
		"# written by twinbench's /init for busybox udhcpc\n"
		"case \"$1\" in\n"
		"bound|renew)\n"
		"\t/bin/busybox ifconfig \"$interface\" \"$ip\" netmask "
		"\"${subnet:-255.255.255.0}\" up || exit 1\n"
		"\tfor r in $router; do\n"
		"\t\t/bin/busybox route add default gw \"$r\" dev "
		"\"$interface\" && break\n"
		"\tdone ;;\n"
		"esac\n"
		"exit 0\n";

	if (tb_write_file_atomic("/tmp", "udhcpc.script", script,
				 sizeof(script) - 1) < 0)
		return -1;
	return chmod(DHCP_SCRIPT, 0755);
}

static char *configure(const char *ifname, const struct net_spec *ns,
		       int wait_s)
{
	char tries[16];
	const char *dhcp[] = { "udhcpc", "-i", ifname, "-n", "-q", "-f",
		"-t", tries, "-T", "1", "-A", "1", "-s", DHCP_SCRIPT, NULL };
	const char *addr[] = { "ip", "addr", "add", ns->addr, "dev", ifname,
		NULL };
	const char *route[] = { "ip", "route", "add", "default", "via", ns->gw,
		"dev", ifname, NULL };

	if (ns->dhcp) {
		snprintf(tries, sizeof(tries), "%d", wait_s > 1 ? wait_s / 2 :
			 1);
		if (write_dhcp_script() < 0 || bb(dhcp) != 0)
			return tb_strdupf("network: no DHCP lease on %s within "
					  "%d s", ifname, wait_s);
		return NULL;
	}
	if (bb(addr) != 0)
		return tb_strdupf("network: ip addr add %s dev %s failed",
				  ns->addr, ifname);
	if (ns->gw[0] && bb(route) != 0)
		return tb_strdupf("network: ip route add default via %s "
				  "failed", ns->gw);
	return NULL;
}

char *net_setup(struct app *a, const char *spec, int wait_s)
{
	struct net_spec ns;
	char ifname[32], err[160];
	char *why;

	if (parse_spec(spec, &ns, err, sizeof(err)) < 0)
		return strdup(err);
	con_printf(&a->con, "twinbench: network: bench.net=%s (each step "
		   "within %d s)\n", spec, wait_s);
	why = wait_link(ifname, sizeof(ifname), wait_s);
	if (!why)
		why = configure(ifname, &ns, wait_s);
	if (!why)
		con_printf(&a->con, "twinbench: network: %s is up (%s)\n",
			   ifname, ns.dhcp ? "DHCP" : ns.addr);
	return why;
}
