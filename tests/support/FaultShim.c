// A failure-injecting file system shim for tests (LD_PRELOAD): makes one folder behave as a full
// disk or a read-only file system at the system-call boundary our savers use (open, mkstemp,
// write, fsync, ftruncate, rename), so the real error paths run. The tests run as root, where
// chmod cannot make a folder read-only, and may not mount a small tmpfs.
//   SAM3_FAULT_DIR=<folder>   the folder (and everything below it) that fails
//   SAM3_FAULT=enospc         writes fail with ENOSPC (nothing fits)
//   SAM3_FAULT=enospc-partial the next write writes half of its bytes, then ENOSPC (a torn write)
//   SAM3_FAULT=erofs          opening for writing, creating, renaming and writing fail with EROFS
// Unset SAM3_FAULT (or set "none") and the shim passes everything through. The variables are
// read at every call, so a test switches faults on and off with setenv.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

int sam3_fault_shim_loaded = 1;  // looked up by the tests to know the shim is in place

static int g_tornFd = -1;  // enospc-partial: the fd whose next write fails

static const char* mode(void) {
  const char* m = getenv("SAM3_FAULT");
  return m && strcmp(m, "none") != 0 ? m : NULL;
}

static int underFaultDir(const char* path) {
  const char* dir = getenv("SAM3_FAULT_DIR");
  if (!dir || !*dir || !path) return 0;
  const size_t n = strlen(dir);
  return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

static int fdUnderFaultDir(int fd) {
  char link[64], target[PATH_MAX];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  const ssize_t n = readlink(link, target, sizeof target - 1);
  if (n <= 0) return 0;
  target[n] = '\0';
  return underFaultDir(target);
}

static int failing(const char* which) {
  const char* m = mode();
  return m && strncmp(m, which, strlen(which)) == 0;
}

#define REAL(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

static int openFails(const char* path, int flags) {
  return failing("erofs") && underFaultDir(path) && ((flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)) != 0);
}

int open(const char* path, int flags, ...) {
  va_list args;
  va_start(args, flags);
  const mode_t m = (flags & (O_CREAT | O_TMPFILE)) ? va_arg(args, mode_t) : 0;
  va_end(args);
  if (openFails(path, flags)) return errno = EROFS, -1;
  return REAL(open)(path, flags, m);
}

int open64(const char* path, int flags, ...) {
  va_list args;
  va_start(args, flags);
  const mode_t m = (flags & (O_CREAT | O_TMPFILE)) ? va_arg(args, mode_t) : 0;
  va_end(args);
  if (openFails(path, flags)) return errno = EROFS, -1;
  return REAL(open64)(path, flags, m);
}

int openat(int dirfd, const char* path, int flags, ...) {
  va_list args;
  va_start(args, flags);
  const mode_t m = (flags & (O_CREAT | O_TMPFILE)) ? va_arg(args, mode_t) : 0;
  va_end(args);
  if (openFails(path, flags)) return errno = EROFS, -1;
  return REAL(openat)(dirfd, path, flags, m);
}

int mkstemp(char* templ) {
  if (failing("erofs") && underFaultDir(templ)) return errno = EROFS, -1;
  return REAL(mkstemp)(templ);
}

int mkstemp64(char* templ) {
  if (failing("erofs") && underFaultDir(templ)) return errno = EROFS, -1;
  return REAL(mkstemp64)(templ);
}

ssize_t write(int fd, const void* data, size_t count) {
  if (mode() && count > 0 && fdUnderFaultDir(fd)) {
    if (failing("erofs")) return errno = EROFS, -1;
    if (failing("enospc-partial") && fd != g_tornFd && count > 1) {
      g_tornFd = fd;
      return REAL(write)(fd, data, count / 2);
    }
    if (failing("enospc")) return errno = ENOSPC, -1;
  }
  return REAL(write)(fd, data, count);
}

int fsync(int fd) {
  if (failing("erofs") && fdUnderFaultDir(fd)) return errno = EROFS, -1;
  return REAL(fsync)(fd);
}

int ftruncate(int fd, off_t length) {
  if (failing("erofs") && fdUnderFaultDir(fd)) return errno = EROFS, -1;
  return REAL(ftruncate)(fd, length);
}

int ftruncate64(int fd, off_t length) {
  if (failing("erofs") && fdUnderFaultDir(fd)) return errno = EROFS, -1;
  return REAL(ftruncate64)(fd, length);
}

int rename(const char* from, const char* to) {
  if (failing("erofs") && (underFaultDir(from) || underFaultDir(to))) return errno = EROFS, -1;
  return REAL(rename)(from, to);
}
