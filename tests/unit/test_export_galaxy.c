/*
 * Unit tests of the MISP galaxy look-ups (src/lib/export/galaxy.c) on the
 * committed table data/export/misp-galaxy.tsv: a cluster MISP names
 * differently from ATT&CK is found by id with MISP's value, a revoked
 * cluster gives way to its replacement, actors are found by value or (when
 * asked) by a synonym of exactly one cluster, case folded; unknown ids and
 * names give NULL. The rows named here are facts of misp-galaxy's clusters
 * (the table's header names their versions).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "export/galaxy.h"

static void test_by_id(void **state)
{
  (void)state;
  /* ATT&CK 18 calls it "Linux and Mac File and Directory Permissions Modification" */
  assert_string_equal(ctix__misp_cluster_by_id("mitre-attack-pattern", "T1222.002"),
                      "Linux and Mac Permissions - T1222.002");
  assert_string_equal(ctix__misp_cluster_by_id("mitre-attack-pattern", "T1566.001"),
                      "Spearphishing Attachment - T1566.001");
  /* revoked in the galaxy: the replacement's value */
  assert_string_equal(ctix__misp_cluster_by_id("mitre-attack-pattern", "T1656"),
                      "Impersonation - T1684.001");
  assert_string_equal(ctix__misp_cluster_by_id("mitre-intrusion-set", "G0007"), "APT28 - G0007");
  assert_string_equal(ctix__misp_cluster_by_id("mitre-malware", "S0154"), "Cobalt Strike - S0154");
  /* none: an id of another galaxy, an unknown id, an unknown galaxy, NULLs */
  assert_null(ctix__misp_cluster_by_id("mitre-tool", "T1566.001"));
  assert_null(ctix__misp_cluster_by_id("mitre-attack-pattern", "T9999"));
  assert_null(ctix__misp_cluster_by_id("mitre-attack-pattern", "T0883")); /* ICS: not in it */
  assert_null(ctix__misp_cluster_by_id("no-such-galaxy", "T1566"));
  assert_null(ctix__misp_cluster_by_id(NULL, "T1566"));
  assert_null(ctix__misp_cluster_by_id("mitre-attack-pattern", NULL));
  /* a prefix of an id is not the id */
  assert_null(ctix__misp_cluster_by_id("mitre-attack-pattern", "T1566.00"));
}

static void test_actors(void **state)
{
  (void)state;
  assert_string_equal(ctix__misp_actor_cluster("Lazarus Group", false), "Lazarus Group");
  assert_string_equal(ctix__misp_actor_cluster("lazarus group", false), "Lazarus Group");
  /* a synonym only when asked */
  assert_null(ctix__misp_actor_cluster("Dragonfly", false));
  assert_string_equal(ctix__misp_actor_cluster("Dragonfly", true), "ENERGETIC BEAR");
  assert_string_equal(ctix__misp_actor_cluster("DRAGONFLY", true), "ENERGETIC BEAR");
  /* "Grizzly Steppe" is a synonym of APT28 and of APT29: neither */
  assert_null(ctix__misp_actor_cluster("Grizzly Steppe", true));
  assert_null(ctix__misp_actor_cluster("No Such Actor Name", true));
  assert_null(ctix__misp_actor_cluster("", true));
  assert_null(ctix__misp_actor_cluster(NULL, true));
  /* clusters list ATT&CK ids among their synonyms: the MISP writer's
   * fallback for a group whose ATT&CK name is no cluster */
  assert_string_equal(ctix__misp_actor_cluster("G0034", true), "Sandworm");
  /* a prefix of a name is not the name */
  assert_null(ctix__misp_actor_cluster("Lazarus", false));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_by_id),
      cmocka_unit_test(test_actors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
