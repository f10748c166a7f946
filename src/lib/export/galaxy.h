/*
 * MISP galaxy cluster values (galaxy.c), for the MISP writer. The strings
 * returned live as long as the process; both functions are thread-safe.
 */
#ifndef CTIX_EXPORT_GALAXY_H
#define CTIX_EXPORT_GALAXY_H

#include <stdbool.h>

/*
 * The value of the cluster of ATT&CK id `id` ("T1059.001", "S0002",
 * "G0032") in `galaxy` ("mitre-attack-pattern", "mitre-malware",
 * "mitre-tool", "mitre-intrusion-set"), or of the cluster that revokes it
 * when the galaxy marks it revoked; NULL when the galaxy has none.
 */
const char *ctix__misp_cluster_by_id(const char *galaxy, const char *id);

/*
 * The threat-actor cluster for an actor's name: the cluster of that value
 * (ASCII case folded), else, when `by_synonym`, the one cluster that lists
 * the name as a synonym (none when several do); NULL otherwise.
 */
const char *ctix__misp_actor_cluster(const char *name, bool by_synonym);

#endif
