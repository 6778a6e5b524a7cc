/* sysinfo.c - facts about the machine for manifest.json: CPU, memory,
 * DMI, hypervisor (CPUID), clocksource and container detection.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "appliance.h"
#include "tb_json.h"
#include "tb_util.h"

/* Value of the first "key<spaces>: value" line of a /proc file. */
static char *proc_field(const char *path, const char *key)
{
	char *text = NULL, *line, *save = NULL, *out = NULL;
	size_t len, kl = strlen(key);

	if (tb_read_file(path, &text, &len) < 0)
		return NULL;
	for (line = strtok_r(text, "\n", &save); line && !out;
	     line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, key, kl) || !colon)
			continue;
		if (strspn(line + kl, " \t") != (size_t)(colon - line) - kl)
			continue;
		colon++;
		colon += strspn(colon, " \t");
		out = strdup(colon);
	}
	free(text);
	return out;
}

static void kstr_or_null(struct tb_json *j, const char *k, const char *v)
{
	tb_json_key(j, k);
	v ? tb_json_str(j, v) : tb_json_null(j);
}

static void kfile(struct tb_json *j, const char *k, const char *path)
{
	char *v = fs_read_line(path);

	kstr_or_null(j, k, v);
	free(v);
}

#if defined(__x86_64__)
static void cpuid(unsigned leaf, unsigned r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(0));
}
#endif

/* CPUID leaf 1 ECX bit 31 and the 0x40000000 vendor signature. */
static int hv_probe(char *sig, size_t n)
{
	sig[0] = '\0';
#if defined(__x86_64__)
	unsigned r[4];

	cpuid(0, r);
	if (r[0] < 1)
		return 0;
	cpuid(1, r);
	if (!(r[2] & (1u << 31)))
		return 0;
	cpuid(0x40000000, r);
	if (n > 12) {
		memcpy(sig, &r[1], 4);
		memcpy(sig + 4, &r[2], 4);
		memcpy(sig + 8, &r[3], 4);
		sig[12] = '\0';
	}
	return 1;
#else
	(void)n;
	return -1;
#endif
}

static const struct {
	const char *sig, *label;
} hv_names[] = {
	{ "KVMKVMKVM", "kvm" }, { "TCGTCGTCGTCG", "tcg" },
	{ "XenVMMXenVMM", "xen" }, { "Microsoft Hv", "hyperv" },
	{ "VMwareVMware", "vmware" }, { "VBoxVBoxVBox", "virtualbox" },
	{ "bhyve bhyve ", "bhyve" }, { "ACRNACRNACRN", "acrn" },
};

/* A short label ("kvm", "tcg", "vm", "bare"), the raw signature in sig. */
const char *sysinfo_hypervisor(char *sig, size_t n)
{
	int hv = hv_probe(sig, n);
	size_t i;

	if (hv < 0)
		return NULL;
	if (!hv)
		return "bare";
	for (i = 0; i < sizeof(hv_names) / sizeof(hv_names[0]); i++)
		if (!strncmp(sig, hv_names[i].sig, strlen(hv_names[i].sig)))
			return hv_names[i].label;
	return "vm";
}

static void hypervisor_json(struct tb_json *j)
{
	char sig[16];
	const char *label = sysinfo_hypervisor(sig, sizeof(sig));

	tb_json_key(j, "hypervisor");
	tb_json_obj_begin(j);
	tb_json_key(j, "cpuid_hypervisor_bit");
	label ? tb_json_bool(j, strcmp(label, "bare") != 0) : tb_json_null(j);
	kstr_or_null(j, "signature", sig[0] ? sig : NULL);
	kstr_or_null(j, "name", label);
	kfile(j, "sys_hypervisor_type", "/sys/hypervisor/type");
	tb_json_obj_end(j);
}

static void cpu_mem_json(struct tb_json *j)
{
	char *model = proc_field("/proc/cpuinfo", "model name");
	char *mem = proc_field("/proc/meminfo", "MemTotal");

	kstr_or_null(j, "cpu_model", model);
	tb_json_kint(j, "cpu_count", sysconf(_SC_NPROCESSORS_ONLN));
	tb_json_key(j, "mem_total_kib");
	mem ? tb_json_int(j, strtoll(mem, NULL, 10)) : tb_json_null(j);
	free(model);
	free(mem);
}

void sysinfo_json(struct tb_json *j)
{
	tb_json_key(j, "system");
	tb_json_obj_begin(j);
	cpu_mem_json(j);
	tb_json_key(j, "dmi");
	tb_json_obj_begin(j);
	kfile(j, "sys_vendor", "/sys/class/dmi/id/sys_vendor");
	kfile(j, "product_name", "/sys/class/dmi/id/product_name");
	tb_json_obj_end(j);
	hypervisor_json(j);
	kfile(j, "clocksource", "/sys/devices/system/clocksource/"
	      "clocksource0/current_clocksource");
	tb_json_obj_end(j);
}
