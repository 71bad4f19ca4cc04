/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The cost model of one VM (see <ktstr/gauntlet.h>): the built-in
 * numbers measured on our machines, the estimate, learning from measured
 * VMs, and its file in the cache ({"tcg": {...}, "kvm": {...}}).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "core/json_file.h"

#include <ktstr/gauntlet.h>

/* Learning: the first samples weigh 1/n, later ones 1/4. */
#define LEARN_WEIGHT_MIN 0.25

struct kt_vm_cost kt_vm_cost_default(bool kvm)
{
	/* TCG, thread=single, QEMU 7.2 on our 2-core machines: a boot to
	 * /init is about 3 s for 1-4 vCPUs, 5.6 s for 8, 14 s for 16
	 * (DESIGN.md), and a scenario takes about 1 s beyond its duration
	 * (setup, the 500 ms settle, teardown). KVM boots in about 1 s. */
	if (kvm)
		return (struct kt_vm_cost){.boot_base_s = 1.0,
					   .boot_sq_s = 0.002,
					   .scenario_overhead_s = 0.7};
	return (struct kt_vm_cost){
	    .boot_base_s = 2.6, .boot_sq_s = 0.045, .scenario_overhead_s = 1.0};
}

static double boot_s(const struct kt_vm_cost *c, unsigned cpus)
{
	return c->boot_base_s + c->boot_sq_s * (double)cpus * cpus;
}

double kt_vm_cost_estimate(const struct kt_vm_cost *c, unsigned cpus,
			   size_t nr_scenarios, double duration_s)
{
	return boot_s(c, cpus) +
	       (double)nr_scenarios * (duration_s + c->scenario_overhead_s);
}

void kt_vm_cost_learn(struct kt_vm_cost *c, unsigned cpus, double boot,
		      double wall_s, size_t nr_scenarios, double scenario_s)
{
	double w = 1.0 / (c->samples + 1);
	double model = boot_s(c, cpus), scale;

	if (w < LEARN_WEIGHT_MIN)
		w = LEARN_WEIGHT_MIN;
	if (!(boot > 0) || !(model > 0) || !isfinite(wall_s))
		return;
	/* the boot curve keeps its shape and is scaled to what was seen */
	scale = 1.0 + w * (boot / model - 1.0);
	c->boot_base_s *= scale;
	c->boot_sq_s *= scale;
	if (nr_scenarios) {
		double over = (wall_s - boot - scenario_s) / nr_scenarios;

		if (over < 0)
			over = 0;
		c->scenario_overhead_s += w * (over - c->scenario_overhead_s);
	}
	c->samples++;
}

static double num(json_t *o, const char *key, double dfl)
{
	json_t *v = json_object_get(o, key);

	return json_is_number(v) && json_number_value(v) >= 0
		   ? json_number_value(v)
		   : dfl;
}

int kt_vm_cost_load(const char *file, const char *accel, struct kt_vm_cost *c)
{
	json_error_t e;
	json_t *root, *o;

	*c = kt_vm_cost_default(!strcmp(accel, "kvm"));
	if (access(file, F_OK))
		return 0;
	root = json_load_file(file, 0, &e);
	if (!root)
		return kt_err(EINVAL,
			      "VM cost file %s:%d:%d: %s (delete it "
			      "to start over)",
			      file, e.line, e.column, e.text);
	o = json_object_get(root, accel);
	if (json_is_object(o)) {
		c->boot_base_s = num(o, "boot_base_s", c->boot_base_s);
		c->boot_sq_s = num(o, "boot_sq_s", c->boot_sq_s);
		c->scenario_overhead_s =
		    num(o, "scenario_overhead_s", c->scenario_overhead_s);
		c->samples = (unsigned)num(o, "samples", 0);
	}
	json_decref(root);
	return 0;
}

int kt_vm_cost_save(const char *file, const char *accel,
		    const struct kt_vm_cost *c)
{
	json_t *root = json_load_file(file, 0, NULL);
	int err;

	if (!json_is_object(root)) {
		json_decref(root);
		root = json_object();
	}
	json_object_set_new(
	    root, accel,
	    json_pack("{s:f, s:f, s:f, s:i}", "boot_base_s", c->boot_base_s,
		      "boot_sq_s", c->boot_sq_s, "scenario_overhead_s",
		      c->scenario_overhead_s, "samples", (int)c->samples));
	err = kt_json_write_file(file, root);
	if (err)
		kt_err_wrap(err, "VM cost file");
	json_decref(root);
	return err;
}
