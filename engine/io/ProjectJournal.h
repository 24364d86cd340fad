#pragma once
// Append-only journal of the edits made since the last save (`<project>.journal`, one JSON
// object per line). Every edit is written to the file at once, so killing the process loses
// nothing; flushIfDue() syncs it to disk at most every couple of seconds, bounding what a power
// cut can lose. Entries are idempotent (put whole values, remove by id), so replaying a journal
// over a project that already contains some of its edits is harmless.

#include <sys/types.h>

#include <chrono>
#include <ctime>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "engine/annotation/Project.h"

namespace sam3::io {

class ProjectJournal {
 public:
  static std::string pathFor(const std::string& projectPath) { return projectPath + ".journal"; }

  // Opens (creating when needed) for appending. Throws std::runtime_error naming the path.
  explicit ProjectJournal(std::string path, std::chrono::milliseconds syncInterval = std::chrono::seconds(2));
  ~ProjectJournal();
  ProjectJournal(const ProjectJournal&) = delete;
  ProjectJournal& operator=(const ProjectJournal&) = delete;

  void putObject(const annotation::AnnotationObject& object);
  void removeObject(int64_t id);
  void putCategory(const annotation::Category& category);
  void removeCategory(int id);
  void putImage(const annotation::ImageRecord& image);
  void removeImage(int id);

  // A failed write throws std::runtime_error naming the path and the reason, and leaves the file
  // as it was before the entry (no torn line). Entries after a failed one must not follow it
  // (the journal would miss an edit): save the whole project, then clear().
  // fsync when the interval has passed since the last one; throws when the journal's file was
  // deleted (its folder removed) or cannot be synced.
  void flushIfDue();
  void flush();       // fsync now
  void clear();       // after a successful save

  struct ReplayResult {
    size_t applied = 0;
    bool truncatedTail = false;         // the last line was cut off by a crash and ignored
    std::vector<std::string> problems;  // entries that could not be applied, with line numbers
  };
  // Applies the journal at `path` to `project`. A missing journal applies nothing.
  static ReplayResult replay(const std::string& path, annotation::Project& project);
  static bool hasEntries(const std::string& path);

  // What a recovery question says about a journal: its whole entries (each a change to one
  // object, class or image) and when the file was last written (the last edit; 0 when missing).
  struct Summary {
    size_t entries = 0;
    std::time_t lastWritten = 0;
  };
  static Summary summarize(const std::string& path);

  // A declined journal is kept, not deleted: renamed to `<journal>.discarded-YYYYMMDD-HHMMSS`
  // (local time `now`) beside it. Set-aside journals of the same project older than `keepFor`
  // are removed then. Returns the backup's path ("" when there was no journal). Throws
  // std::runtime_error naming the path when the rename fails.
  static std::string setAside(const std::string& path, std::time_t now, std::chrono::hours keepFor = std::chrono::hours(24 * 7));

 private:
  void append(const nlohmann::json& entry);

  std::string m_path;
  int m_fd = -1;
  off_t m_goodSize = 0;  // bytes of whole entries
  std::chrono::milliseconds m_syncInterval;
  std::chrono::steady_clock::time_point m_lastSync;
  bool m_dirty = false;
};

}  // namespace sam3::io
