/* rulelist.h -- loading the `rules` and `boosts` lists (rules.c's helpers).
 *
 * Both run after teams and policies are loaded, since rules refer to them;
 * they report every problem to y and leave r consistent for rt_rules_free(). */
#ifndef RT_RULELIST_H
#define RT_RULELIST_H

#include <yaml.h>

#include "rules.h"
#include "ydoc.h"

/* Reads root's `rules`: each rule, then unique names, one default rule, last,
 * with a policy that rules without one inherit. */
void rt_load_rules(rt_ydoc_t *y, const yaml_node_t *root, rt_rules_t *r);
/* Reads root's optional `boosts`. */
void rt_load_boosts(rt_ydoc_t *y, const yaml_node_t *root, rt_rules_t *r);

#endif
