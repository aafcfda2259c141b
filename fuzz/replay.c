/*
 * replay.c - runs a fuzz target over saved inputs without libFuzzer (after SQLite's
 * fuzzcheck), so that `make test` replays every corpus with any compiler.
 *
 * Usage: fuzz-replay-TARGET [-v] DIR_OR_FILE...
 * Every regular file of each directory (sorted by name, dot files skipped) and every file named
 * is read into a buffer of exactly its size, so that a sanitizer build catches any read past
 * the end, and handed to the target's LLVMFuzzerTestOneInput. With -v (or VG_REPLAY_VERBOSE
 * set) each input is named on stderr before it runs; without, the input being run is named
 * only if the process dies (a signal, or a sanitizer's report), so a failing ctest still names
 * its crasher. A directory without inputs is an error: a wrong path must not pass as an empty
 * corpus.
 */
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Sanitizer builds report memory errors themselves and then call this hook. */
#if defined(__SANITIZE_ADDRESS__)
#define VG_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VG_SANITIZED 1
#endif
#endif
#ifdef VG_SANITIZED
void __sanitizer_set_death_callback(void (*callback)(void));
#endif

static const char *current; /* input being run, for the crash message */

static void name_current(void)
{
    static const char msg[] = "replay: crashed on input: ";
    if (current) {
        (void)!write(2, msg, sizeof msg - 1);
        (void)!write(2, current, strlen(current));
        (void)!write(2, "\n", 1);
    }
}

static void on_crash(int sig)
{
    name_current();
    signal(sig, SIG_DFL);
    raise(sig);
}

static int run_file(const char *path, int verbose)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || sb.st_size < 0) {
        perror(path);
        fclose(f);
        return -1;
    }
    size_t size = (size_t)sb.st_size;
    uint8_t *buf = malloc(size ? size : 1);
    if (!buf || fread(buf, 1, size, f) != size) {
        fprintf(stderr, "replay: cannot read %s\n", path);
        free(buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    if (verbose)
        fprintf(stderr, "replay: %s (%zu bytes)\n", path, size);
    current = path;
    LLVMFuzzerTestOneInput(buf, size);
    current = NULL;
    free(buf);
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every regular file in dir; returns the number run, or -1. */
static long run_dir(const char *dir, int verbose)
{
    DIR *d = opendir(dir);
    if (!d) {
        perror(dir);
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn)
                abort();
            names = nn;
        }
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        names[n] = malloc(len);
        if (!names[n])
            abort();
        snprintf(names[n++], len, "%s/%s", dir, e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    long ran = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat sb;
        if (stat(names[i], &sb) == 0 && S_ISREG(sb.st_mode)) {
            if (run_file(names[i], verbose) != 0)
                ran = -1;
            else if (ran >= 0)
                ran++;
        }
        free(names[i]);
    }
    free(names);
    return ran;
}

int main(int argc, char **argv)
{
    int verbose = getenv("VG_REPLAY_VERBOSE") != NULL;
    int i = 1, bad = 0;
    long total = 0;
    if (i < argc && strcmp(argv[i], "-v") == 0) {
        verbose = 1;
        i++;
    }
    if (i >= argc) {
        fprintf(stderr, "usage: %s [-v] DIR_OR_FILE...\n", argv[0]);
        return 2;
    }
    signal(SIGABRT, on_crash); /* a failed CHECK */
#ifdef VG_SANITIZED
    __sanitizer_set_death_callback(name_current); /* keep the sanitizer's own SEGV handler */
#else
    signal(SIGSEGV, on_crash);
    signal(SIGBUS, on_crash);
    signal(SIGFPE, on_crash);
    signal(SIGILL, on_crash);
#endif
    for (; i < argc; i++) {
        struct stat sb;
        if (stat(argv[i], &sb) != 0) {
            perror(argv[i]);
            bad = 1;
        } else if (S_ISDIR(sb.st_mode)) {
            long n = run_dir(argv[i], verbose);
            if (n <= 0) {
                fprintf(stderr, "replay: %s: %s\n", argv[i], n ? "unreadable" : "no inputs");
                bad = 1;
            } else {
                total += n;
            }
        } else {
            bad |= run_file(argv[i], verbose) != 0;
            total += !bad;
        }
    }
    printf("replay: %ld input%s, %s\n", total, total == 1 ? "" : "s", bad ? "with errors" : "ok");
    return bad ? 1 : 0;
}
