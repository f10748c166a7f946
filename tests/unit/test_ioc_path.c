/*
 * Unit tests of the file-system and registry recognizers (src/lib/ioc/
 * path.c), through the public ctix_ioc_extract: registry keys with every
 * hive alias and form (PowerShell drive, "Registry::", native, "<HKCU>",
 * escaped separators), keys and paths with spaces and where they end,
 * Windows paths (drive, UNC, device, %ENV%, $env:, rooted, relative),
 * POSIX paths (absolute, ~/, ./, ../, $HOME/) and what must not be a
 * path (dates, fractions, "and/or", switches, URL fragments, escapes),
 * file names by extension and the context rule for extensions that are
 * also TLDs; plus the extension table and ctix__ioc_filename_likely
 * directly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ioc/scan.h"
#include "ioc_test.h"

/* ------------------------------------------------------------ registry */

static void test_registry_hives(void **state)
{
  static const char *const keys[] = {
      "HKLM\\SOFTWARE\\Acme\\Agent",
      "HKCU\\Software\\Acme",
      "HKU\\S-1-5-18\\Software\\Acme",
      "HKCR\\exefile\\shell\\open\\command",
      "HKCC\\System\\CurrentControlSet",
      "HKEY_LOCAL_MACHINE\\SYSTEM\\Setup",
      "HKEY_CURRENT_USER\\Environment",
      "HKEY_USERS\\S-1-5-19\\Control Panel\\Mouse",
      "HKEY_CLASSES_ROOT\\htmlfile\\shell",
      "HKEY_CURRENT_CONFIG\\Software\\Fonts",
      "hklm\\software\\lowercase\\too",
  };
  size_t i;
  char text[256];
  (void)state;
  for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
    snprintf(text, sizeof(text), "The implant writes %s during setup.", keys[i]);
    expect_exactly(text, CTIX_IOC_REGISTRY_KEY, WANT(keys[i]));
  }
}

static void test_registry_forms(void **state)
{
  (void)state;
  /* decorations are dropped from the canonical value, kept in `original` */
  expect_exactly("Set-ItemProperty HKLM:\\SOFTWARE\\Acme\\Svc -Name x", CTIX_IOC_REGISTRY_KEY,
                 WANT("HKLM\\SOFTWARE\\Acme\\Svc"));
  expect_exactly("Get-Item Registry::HKEY_CURRENT_USER\\Software\\Acme", CTIX_IOC_REGISTRY_KEY,
                 WANT("HKEY_CURRENT_USER\\Software\\Acme"));
  expect_exactly("<HKLM>\\SOFTWARE\\ACME\\LOADER\n  Value: x", CTIX_IOC_REGISTRY_KEY,
                 WANT("HKLM\\SOFTWARE\\ACME\\LOADER"));
  expect_exactly("<HKEY_CURRENT_USER>\\Software\\Acme\n", CTIX_IOC_REGISTRY_KEY,
                 WANT("HKEY_CURRENT_USER\\Software\\Acme"));
  expect_exactly("{\"key\": \"HKCU\\\\Software\\\\Acme\\\\Run\"}", CTIX_IOC_REGISTRY_KEY,
                 WANT("HKCU\\Software\\Acme\\Run"));
  expect_exactly("under HKCU\\Software\\Acme\\ today", CTIX_IOC_REGISTRY_KEY,
                 WANT("HKCU\\Software\\Acme"));
  expect_exactly("native \\REGISTRY\\MACHINE\\SOFTWARE\\Acme and \\Registry\\User\\S-1-5-20\\Env",
                 CTIX_IOC_REGISTRY_KEY,
                 WANT("\\REGISTRY\\MACHINE\\SOFTWARE\\Acme", "\\Registry\\User\\S-1-5-20\\Env"));
  expect_exactly("key=HKLM\\SOFTWARE\\Acme;", CTIX_IOC_REGISTRY_KEY, WANT("HKLM\\SOFTWARE\\Acme"));
  /* a hive alone is no key */
  expect_exactly("HKLM and HKEY_CURRENT_USER are hives; HKCU\\ alone too", CTIX_IOC_REGISTRY_KEY,
                 WANT_NONE);
}

static void test_registry_spaces(void **state)
{
  (void)state;
  /* words glued to a following backslash belong to the key */
  expect_exactly("It edits HKLM\\SOFTWARE\\Microsoft\\Windows Media Player\\Setup now",
                 CTIX_IOC_REGISTRY_KEY, WANT("HKLM\\SOFTWARE\\Microsoft\\Windows Media Player\\Setup"));
  expect_exactly("HKCU\\Keyboard Layout\\Preload", CTIX_IOC_REGISTRY_KEY,
                 WANT("HKCU\\Keyboard Layout\\Preload"));
  expect_exactly("HKLM\\SOFTWARE\\alpha beta gamma\\delta epsilon\\z", CTIX_IOC_REGISTRY_KEY,
                 WANT("HKLM\\SOFTWARE\\alpha beta gamma\\delta epsilon\\z"));
  /* capitalised words continue the last part; prose ends it */
  expect_exactly("HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server is modified",
                 CTIX_IOC_REGISTRY_KEY, WANT("HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server"));
  expect_exactly("HKCU\\Software\\Microsoft\\Office\\Outlook\\Security Policy Settings",
                 CTIX_IOC_REGISTRY_KEY,
                 WANT("HKCU\\Software\\Microsoft\\Office\\Outlook\\Security Policy Settings"));
  expect_exactly("found HKCU\\Software\\Acme\\Updater on the host", CTIX_IOC_REGISTRY_KEY,
                 WANT("HKCU\\Software\\Acme\\Updater"));
  expect_exactly("HKCU\\Software\\Acme The next step", CTIX_IOC_REGISTRY_KEY,
                 WANT("HKCU\\Software\\Acme"));
  expect_exactly("HKCU\\Software\\Acme. Then it sleeps", CTIX_IOC_REGISTRY_KEY,
                 WANT("HKCU\\Software\\Acme"));
  expect_exactly("HKCU\\Software\\Acme\nValue Name: Updater", CTIX_IOC_REGISTRY_KEY,
                 WANT("HKCU\\Software\\Acme"));
  /* a new hive or a command switch ends the key */
  expect_exactly("HKCU\\Software\\A HKLM\\Software\\B", CTIX_IOC_REGISTRY_KEY,
                 WANT("HKCU\\Software\\A", "HKLM\\Software\\B"));
  expect_exactly("reg add HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run /v Upd /t REG_SZ",
                 CTIX_IOC_REGISTRY_KEY, WANT("HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run"));
  expect_exactly("HKCU\\Software\\Acme\\Run REG_SZ C:\\x.exe", CTIX_IOC_REGISTRY_KEY,
                 WANT("HKCU\\Software\\Acme\\Run"));
  /* identifiers after a key are not part of it */
  expect_exactly("HKCU\\Software\\Acme\\Run AS4266 and HKCU\\Software\\Acme\\Cmd T1547.001",
                 CTIX_IOC_REGISTRY_KEY, WANT("HKCU\\Software\\Acme\\Run", "HKCU\\Software\\Acme\\Cmd"));
  /* quoted: the whole quoted text, placeholders included */
  expect_exactly("the \xe2\x80\x9cHKU\\<USER SID>\\Software\\Classes\\ms-settings\\Shell\\Open\\command"
                 "\xe2\x80\x9d key",
                 CTIX_IOC_REGISTRY_KEY,
                 WANT("HKU\\<USER SID>\\Software\\Classes\\ms-settings\\Shell\\Open\\command"));
  expect_exactly("value \"HKCU\\Software\\my tool\\cfg v2\" was set", CTIX_IOC_REGISTRY_KEY,
                 WANT("HKCU\\Software\\my tool\\cfg v2"));
  expect_exactly("HKU\\<SID>\\Software\\Acme unquoted", CTIX_IOC_REGISTRY_KEY,
                 WANT("HKU\\<SID>\\Software\\Acme"));
}

static void test_registry_rejected(void **state)
{
  ctix_ioc_list *l;
  const ctix_ioc *it;
  (void)state;
  l = ioc_run("HKXY\\Software\\Acme is no hive");
  it = ioc_find(l, CTIX_IOC_REGISTRY_KEY, "HKXY\\Software\\Acme");
  assert_non_null(it);
  assert_int_equal(it->status, CTIX_IOC_STATUS_REJECTED);
  assert_non_null(it->reason);
  assert_int_equal(ioc_count(l, CTIX_IOC_REGISTRY_KEY, CTIX_IOC_STATUS_IOC), 0);
  ctix_ioc_list_free(l);
}

/* ------------------------------------------------------------ Windows */

static void test_windows_paths(void **state)
{
  (void)state;
  expect_exactly("dumped to D:\\Data\\dump.bin today", CTIX_IOC_FILE_PATH,
                 WANT("D:\\Data\\dump.bin"));
  expect_exactly("loads c:/windows/temp/a.dll", CTIX_IOC_FILE_PATH, WANT("c:/windows/temp/a.dll"));
  expect_exactly("\"path\": \"C:\\\\Windows\\\\Temp\\\\b.exe\"", CTIX_IOC_FILE_PATH,
                 WANT("C:\\\\Windows\\\\Temp\\\\b.exe"));
  expect_exactly("copies itself to C:\\Program Files (x86)\\Acme Tools\\agent.exe and exits",
                 CTIX_IOC_FILE_PATH, WANT("C:\\Program Files (x86)\\Acme Tools\\agent.exe"));
  /* a bare well-known folder is found, trimmed, and benign */
  expect_exactly("installed under C:\\Program Files.", CTIX_IOC_FILE_PATH, WANT_NONE);
  expect_accepted("installed under C:\\Program Files.", CTIX_IOC_FILE_PATH, "C:\\Program Files");
  expect_exactly("the \"C:\\Users\\Jane Roe\\Desktop\\notes v2.txt\" file", CTIX_IOC_FILE_PATH,
                 WANT("C:\\Users\\Jane Roe\\Desktop\\notes v2.txt"));
  expect_exactly("C:\\Users\\<username>\\AppData\\Roaming\\a.exe", CTIX_IOC_FILE_PATH,
                 WANT("C:\\Users\\<username>\\AppData\\Roaming\\a.exe"));
  expect_exactly("moved C:\\Temp\\a.exe to C:\\Windows\\b.exe", CTIX_IOC_FILE_PATH,
                 WANT("C:\\Temp\\a.exe", "C:\\Windows\\b.exe"));
  expect_exactly("run C:\\Windows\\Temp\\cmd.exe /c whoami", CTIX_IOC_FILE_PATH,
                 WANT("C:\\Windows\\Temp\\cmd.exe"));
  expect_exactly("proc.exe -in:\"..\\cfg\\a.ini\" -out:\"\\\\nas01\\drop\"", CTIX_IOC_FILE_PATH,
                 WANT("..\\cfg\\a.ini", "\\\\nas01\\drop"));
  expect_exactly("the drive C:\\ alone", CTIX_IOC_FILE_PATH, WANT_NONE);
  expect_exactly("C:\\Documents and Settings\\All Users\\Start Menu\\x.lnk", CTIX_IOC_FILE_PATH,
                 WANT("C:\\Documents and Settings\\All Users\\Start Menu\\x.lnk"));
  /* prose between two observables is not a name with spaces */
  expect_exactly("C:\\Users\\Public\\a.xlsm mutex Global\\qwe", CTIX_IOC_FILE_PATH,
                 WANT("C:\\Users\\Public\\a.xlsm"));
  expect_exactly("C:\\Temp\\cfg traffic run mutex Global\\qwe", CTIX_IOC_FILE_PATH,
                 WANT("C:\\Temp\\cfg"));
  expect_exactly("C:\\Temp and then\\x", CTIX_IOC_FILE_PATH, WANT("C:\\Temp"));
}

static void test_unc_device_env(void **state)
{
  (void)state;
  expect_exactly("staged on \\\\fileserver\\share$\\drop\\a.exe and \\\\192.0.2.10\\admin$",
                 CTIX_IOC_FILE_PATH, WANT("\\\\fileserver\\share$\\drop\\a.exe", "\\\\192.0.2.10\\admin$"));
  expect_exactly("a lone \\\\server is no path", CTIX_IOC_FILE_PATH, WANT_NONE);
  expect_exactly("opens \\\\.\\PhysicalDrive0 and \\\\.\\pipe\\acme_ctl and \\\\?\\C:\\Very\\Long",
                 CTIX_IOC_FILE_PATH,
                 WANT("\\\\.\\PhysicalDrive0", "\\\\.\\pipe\\acme_ctl", "\\\\?\\C:\\Very\\Long"));
  expect_exactly("\\\\.\\D:\\Stage", CTIX_IOC_FILE_PATH, WANT("\\\\.\\D:\\Stage"));
  expect_exactly("%LOCALAPPDATA%\\Temp\\a.exe, %ProgramFiles(x86)%\\Acme\\b.dll and "
                 "%WINDIR%\\System32\\c.sys",
                 CTIX_IOC_FILE_PATH,
                 WANT("%LOCALAPPDATA%\\Temp\\a.exe", "%ProgramFiles(x86)%\\Acme\\b.dll",
                      "%WINDIR%\\System32\\c.sys"));
  expect_exactly("%TEMP% alone and 100% sure", CTIX_IOC_FILE_PATH, WANT_NONE);
  expect_exactly("writes $env:APPDATA\\acme\\s.ps1", CTIX_IOC_FILE_PATH,
                 WANT("$env:APPDATA\\acme\\s.ps1"));
}

static void test_rooted_relative(void **state)
{
  (void)state;
  expect_exactly("\\Windows\\Temp\\x.exe and \\Device\\HarddiskVolume3\\Users", CTIX_IOC_FILE_PATH,
                 WANT("\\Windows\\Temp\\x.exe", "\\Device\\HarddiskVolume3\\Users"));
  expect_exactly(".\\bin\\tool.exe and ..\\..\\shared\\cfg", CTIX_IOC_FILE_PATH,
                 WANT(".\\bin\\tool.exe", "..\\..\\shared\\cfg"));
  /* escapes and regex classes are no paths; unprefixed relative ones are
   * not taken either (registry subkeys are written that way) */
  expect_exactly("escapes \\n\\t and \\x90\\x90\\x41 and \\d+\\s* and \\u00e9\\u00e8",
                 CTIX_IOC_FILE_PATH, WANT_NONE);
  expect_exactly("Software\\Microsoft\\Windows and b\\c", CTIX_IOC_FILE_PATH, WANT_NONE);
}

/* ------------------------------------------------------------ POSIX */

static void test_posix_paths(void **state)
{
  (void)state;
  expect_exactly("drops /usr/local/bin/kworkerd and reads /etc/shadow.", CTIX_IOC_FILE_PATH,
                 WANT("/usr/local/bin/kworkerd"));
  expect_accepted("drops /usr/local/bin/kworkerd and reads /etc/shadow.", CTIX_IOC_FILE_PATH,
                  "/etc/shadow"); /* a well-known system file: benign */
  expect_exactly("cd /tmp; ls", CTIX_IOC_FILE_PATH, WANT_NONE);
  expect_accepted("cd /tmp; ls", CTIX_IOC_FILE_PATH, "/tmp"); /* a well-known folder: benign */
  expect_exactly("cd /tmp/.ICE-unix; ls", CTIX_IOC_FILE_PATH, WANT("/tmp/.ICE-unix"));
  expect_exactly("(/var/tmp/.hidden/x)", CTIX_IOC_FILE_PATH, WANT("/var/tmp/.hidden/x"));
  expect_exactly("~/.bashrc, ~root/.ssh/id_rsa and ~/Library/x", CTIX_IOC_FILE_PATH,
                 WANT("~/.bashrc", "~root/.ssh/id_rsa", "~/Library/x"));
  expect_exactly("run ./configure then ../lib/x.so and $HOME/.config/a and ${HOME}/b/c",
                 CTIX_IOC_FILE_PATH,
                 WANT("./configure", "../lib/x.so", "$HOME/.config/a", "${HOME}/b/c"));
  expect_exactly("in /Users/ann/Library/Application Support/Acme/state.db it",
                 CTIX_IOC_FILE_PATH, WANT("/Users/ann/Library/Application Support/Acme/state.db"));
  expect_exactly("test /opt/app/My Folder/run file", CTIX_IOC_FILE_PATH,
                 WANT("/opt/app/My Folder/run"));
  expect_exactly("--config=/etc/acme/a.conf", CTIX_IOC_FILE_PATH, WANT("/etc/acme/a.conf"));
  /* a quoted shell command is not one path with spaces */
  /* /dev/null is a well-known system file: benign, not an indicator */
  expect_exactly("`/opt/acme/run.sh 2>/dev/null`", CTIX_IOC_FILE_PATH,
                 WANT("/opt/acme/run.sh"));
  expect_exactly("\"/tmp/.x/a.sh 10.0.0.1/24\"", CTIX_IOC_FILE_PATH, WANT("/tmp/.x/a.sh"));
}

static void test_not_paths(void **state)
{
  (void)state;
  expect_exactly("and/or, w/o, 12/03/2024, 3/4 cup, TCP/IP, 24/7", CTIX_IOC_FILE_PATH, WANT_NONE);
  expect_exactly("a /24 network, switches /c /s /q, a / b, // comment", CTIX_IOC_FILE_PATH,
                 WANT_NONE);
  expect_exactly("fragment //cdn.example.com/lib/x.js here", CTIX_IOC_FILE_PATH, WANT_NONE);
  expect_exactly("cmd.exe /url:https://example.com/a/b", CTIX_IOC_FILE_PATH, WANT_NONE);
  expect_exactly("see /2024/05/ and /1/2/3", CTIX_IOC_FILE_PATH, WANT_NONE);
  expect_exactly("the word /notatopdir alone", CTIX_IOC_FILE_PATH, WANT_NONE);
}

/* ------------------------------------------------------------ file names */

static void test_file_names(void **state)
{
  (void)state;
  expect_exactly("payload.dll, run.ps1, Invoice_2024.pdf.exe and SETUP.EXE", CTIX_IOC_FILE_NAME,
                 WANT("payload.dll", "run.ps1", "Invoice_2024.pdf.exe", "SETUP.EXE"));
  expect_exactly("macro.docm with data.7z and disk.iso", CTIX_IOC_FILE_NAME,
                 WANT("macro.docm", "data.7z", "disk.iso"));
  expect_exactly("the icon of update.exe's window", CTIX_IOC_FILE_NAME, WANT("update.exe"));
  expect_exactly("Node.js and Vue.js, e.g. version 1.2.3, no.", CTIX_IOC_FILE_NAME, WANT_NONE);
  expect_exactly("*.lnk and .exe are no names", CTIX_IOC_FILE_NAME, WANT_NONE);
}

static void test_file_name_vs_domain(void **state)
{
  (void)state;
  /* extensions that are TLDs need context */
  expect_exactly("notes.py", CTIX_IOC_FILE_NAME, WANT_NONE);
  expect_exactly("the attachment notes.py ran", CTIX_IOC_FILE_NAME, WANT("notes.py"));
  expect_exactly("it dropped a copy named tool.sh", CTIX_IOC_FILE_NAME, WANT("tool.sh"));
  expect_exactly("then bundle.zip archive is opened", CTIX_IOC_FILE_NAME, WANT("bundle.zip"));
  expect_exactly("extracted from bundle.zip", CTIX_IOC_FILE_NAME, WANT("bundle.zip"));
  expect_exactly("downloaded from bundle.zip", CTIX_IOC_FILE_NAME, WANT_NONE);
  expect_exactly("visit bundle.zip today", CTIX_IOC_FILE_NAME, WANT_NONE);
  expect_exactly("the file was executed. clip.mov", CTIX_IOC_FILE_NAME, WANT_NONE);
  expect_exactly("scan.pdf.zip", CTIX_IOC_FILE_NAME, WANT("scan.pdf.zip"));
  expect_exactly("report#2.zip", CTIX_IOC_FILE_NAME, WANT("report#2.zip"));
}

/*
 * Script names whose extension is also a country code (".py" is
 * Paraguay's): prose about tools, libraries and commands, a possessive
 * tool name before them, or a code span around them makes them files.
 */
static void test_tool_scripts(void **state)
{
  (void)state;
  expect_exactly("The crew relied on the Impacket libraries wmiexec.py and dcomexec.py to move.",
                 CTIX_IOC_FILE_NAME, WANT("dcomexec.py", "wmiexec.py"));
  expect_nothing("The crew relied on the Impacket libraries wmiexec.py and dcomexec.py to move.",
                 CTIX_IOC_DOMAIN);
  expect_exactly("operators ran ntlmrelayx.py (an Impacket tool) against the hosts",
                 CTIX_IOC_FILE_NAME, WANT("ntlmrelayx.py"));
  expect_exactly("Attackers relied on Impacket's getnpusers.py for roasting.", CTIX_IOC_FILE_NAME,
                 WANT("getnpusers.py"));
  expect_exactly("then `lsassy.py` dumped memory", CTIX_IOC_FILE_NAME, WANT("lsassy.py"));
  expect_nothing("then `lsassy.py` dumped memory", CTIX_IOC_DOMAIN);
  /* hosts stay hosts */
  expect_exactly("the actors registered the domain update-check.py last week",
                 CTIX_IOC_FILE_NAME, WANT_NONE);
  expect_accepted("beacons to `cdn-sync.sh` over TLS", CTIX_IOC_DOMAIN, "cdn-sync.sh");
}

/* A list of extensions is no file name; a list of names is several. */
static void test_extension_lists(void **state)
{
  (void)state;
  expect_nothing("it skips system files (e.g.,.exe,.dll,.sys) while encrypting",
                 CTIX_IOC_FILE_NAME);
  expect_exactly("dropped loader.exe,helper.dll,cfg.dat", CTIX_IOC_FILE_NAME,
                 WANT("cfg.dat", "helper.dll", "loader.exe"));
}

/*
 * Names the refang pass must leave alone: "\." after a hive is a key
 * name (HKEY_USERS\.DEFAULT), not an escaped dot, and "(1)." in a copied
 * file's name is no defanged dot.
 */
static void test_refang_keeps_names(void **state)
{
  (void)state;
  expect_exactly("The implant writes HKEY_USERS\\.DEFAULT\\Control Panel\\Mouse today",
                 CTIX_IOC_REGISTRY_KEY, WANT("HKEY_USERS\\.DEFAULT\\Control Panel\\Mouse"));
  expect_exactly("copy(1).zip and invoice (2).exe", CTIX_IOC_FILE_NAME, WANT("copy(1).zip"));
}

static void test_ext_kind(void **state)
{
  static const struct {
    const char *ext;
    ctix__ext_kind kind;
  } cases[] = {
      {"exe", CTIX__EXT_EXECUTABLE}, {"DLL", CTIX__EXT_EXECUTABLE}, {"Scr", CTIX__EXT_EXECUTABLE},
      {"lnk", CTIX__EXT_EXECUTABLE}, {"msi", CTIX__EXT_EXECUTABLE}, {"ps1", CTIX__EXT_SCRIPT},
      {"vbs", CTIX__EXT_SCRIPT},     {"hta", CTIX__EXT_SCRIPT},     {"js", CTIX__EXT_SCRIPT},
      {"docx", CTIX__EXT_DOCUMENT},  {"xlsm", CTIX__EXT_DOCUMENT},  {"one", CTIX__EXT_DOCUMENT},
      {"pdf", CTIX__EXT_DOCUMENT},   {"7z", CTIX__EXT_ARCHIVE},     {"zip", CTIX__EXT_ARCHIVE},
      {"iso", CTIX__EXT_ARCHIVE},    {"vhd", CTIX__EXT_ARCHIVE},    {"png", CTIX__EXT_OTHER},
      {"zst", CTIX__EXT_ARCHIVE},    {"a3x", CTIX__EXT_SCRIPT},
      {"com", CTIX__EXT_NONE},       {"org", CTIX__EXT_NONE},       {"", CTIX__EXT_NONE},
      {"e x", CTIX__EXT_NONE},       {"exe.", CTIX__EXT_NONE},
      {"averyveryverylongextension", CTIX__EXT_NONE},
      /* longer than eight bytes (the key's second word), any case */
      {"ApplEScript", CTIX__EXT_SCRIPT}, {"APPXBUNDLE", CTIX__EXT_EXECUTABLE},
      {"applescrip", CTIX__EXT_NONE},    {"appxbundles", CTIX__EXT_NONE},
      {"7Z", CTIX__EXT_ARCHIVE},         {"ex_", CTIX__EXT_NONE},
      {"exe\xc3\xa9", CTIX__EXT_NONE},
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    if (ctix__ioc_ext_kind(cases[i].ext, strlen(cases[i].ext)) != cases[i].kind)
      fail_msg("ext_kind(\"%s\") = %d, want %d", cases[i].ext,
               (int)ctix__ioc_ext_kind(cases[i].ext, strlen(cases[i].ext)), (int)cases[i].kind);
  assert_int_equal(ctix__ioc_ext_kind("exe", 2), CTIX__EXT_NONE); /* "ex" */
}

/* ctix__ioc_filename_likely on the token `tok` inside `text`. */
static bool likely(const char *text, const char *tok)
{
  ctix__ioc_scan s;
  const char *p = strstr(text, tok);
  assert_non_null(p);
  memset(&s, 0, sizeof(s));
  s.text = text;
  s.len = strlen(text);
  return ctix__ioc_filename_likely(&s, (size_t)(p - text), (size_t)(p - text) + strlen(tok));
}

static void test_filename_likely(void **state)
{
  (void)state;
  assert_true(likely("x file.exe y", "file.exe"));
  assert_false(likely("abc.py", "abc.py"));
  assert_false(likely("example.com", "example.com"));
  assert_true(likely("the payload abc.py", "abc.py"));
  assert_true(likely("abc.py script", "abc.py"));
  assert_true(likely("/home/u/abc.py", "abc.py"));
  assert_false(likely("the domain abc.py", "abc.py"));
  assert_false(likely("abc.py website", "abc.py"));
  assert_false(likely("file! abc.py", "abc.py")); /* another sentence */
}

/* A POSIX path glued to a second one that starts with its own first
 * folders ("cp /a/b/X/a/b/X.tmp", a lost space) is two paths; a path that
 * passes through a folder of the same name is one. */
static void test_doubled_posix_path(void **state)
{
  (void)state;
  expect_exactly("cp /opt/acme/conf/LIST/opt/acme/conf/LIST.tmp now", CTIX_IOC_FILE_PATH,
                 WANT("/opt/acme/conf/LIST", "/opt/acme/conf/LIST.tmp"));
  expect_exactly("see /usr/lib/usr/share/kit/run.sh", CTIX_IOC_FILE_PATH,
                 WANT("/usr/lib/usr/share/kit/run.sh"));
  expect_exactly("see /srv/app/srv/app2/run.sh", CTIX_IOC_FILE_PATH,
                 WANT("/srv/app/srv/app2/run.sh"));
  /* the second path must start with the first one's whole folder */
  expect_exactly("hid in /srv/data/volumes/app/rootfs/srv/data/.x/minerd on the node",
                 CTIX_IOC_FILE_PATH, WANT("/srv/data/volumes/app/rootfs/srv/data/.x/minerd"));
  expect_exactly("read /home/ops/archive/home/ops/.aws/credentials", CTIX_IOC_FILE_PATH,
                 WANT("/home/ops/archive/home/ops/.aws/credentials"));
  expect_exactly("ran cp /etc/cron.d/job/etc/cron.d/job.old there", CTIX_IOC_FILE_PATH,
                 WANT("/etc/cron.d/job", "/etc/cron.d/job.old"));
}

/* "domain" before "controllers", "admins", ... names a Windows domain: it
 * does not make a script name a host. */
static void test_filename_active_directory_domain(void **state)
{
  (void)state;
  EXPECT_IOC("Operators used `sweep.py` against domain controllers.", CTIX_IOC_FILE_NAME,
             "sweep.py");
  EXPECT_NONE("Operators used `sweep.py` against domain controllers.", CTIX_IOC_DOMAIN);
  EXPECT_IOC("Beacons went to `sweep.py`, a domain the actor registered.", CTIX_IOC_DOMAIN,
             "sweep.py");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_doubled_posix_path), cmocka_unit_test(test_filename_active_directory_domain),
      cmocka_unit_test(test_registry_hives),   cmocka_unit_test(test_registry_forms),
      cmocka_unit_test(test_registry_spaces),  cmocka_unit_test(test_registry_rejected),
      cmocka_unit_test(test_windows_paths),    cmocka_unit_test(test_unc_device_env),
      cmocka_unit_test(test_rooted_relative),  cmocka_unit_test(test_posix_paths),
      cmocka_unit_test(test_not_paths),        cmocka_unit_test(test_file_names),
      cmocka_unit_test(test_file_name_vs_domain), cmocka_unit_test(test_ext_kind),
      cmocka_unit_test(test_filename_likely), cmocka_unit_test(test_refang_keeps_names),
      cmocka_unit_test(test_tool_scripts),    cmocka_unit_test(test_extension_lists),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
