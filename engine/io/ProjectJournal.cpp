#include "engine/io/ProjectJournal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "engine/io/ProjectCodec.h"

namespace sam3::io {

using nlohmann::json;

ProjectJournal::ProjectJournal(std::string path, std::chrono::milliseconds syncInterval)
    : m_path(std::move(path)), m_syncInterval(syncInterval), m_lastSync(std::chrono::steady_clock::now()) {
  m_fd = ::open(m_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (m_fd < 0) throw std::runtime_error("cannot open journal " + m_path + ": " + std::strerror(errno));
  struct stat st {};
  m_goodSize = ::fstat(m_fd, &st) == 0 ? st.st_size : 0;
}

ProjectJournal::~ProjectJournal() {
  if (m_fd >= 0) {
    if (m_dirty) ::fsync(m_fd);
    ::close(m_fd);
  }
}

void ProjectJournal::append(const json& entry) {
  const std::string line = entry.dump() + "\n";
  size_t written = 0;
  while (written < line.size()) {  // one write() per entry in the normal case
    const ssize_t n = ::write(m_fd, line.data() + written, line.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      // A torn entry (a full disk took half of it) would swallow the next one on replay: cut it.
      if (written > 0) (void)!::ftruncate(m_fd, m_goodSize);
      throw std::runtime_error("cannot write journal " + m_path + ": " + std::strerror(error));
    }
    written += size_t(n);
  }
  m_goodSize += off_t(line.size());
  m_dirty = true;
  flushIfDue();
}

void ProjectJournal::putObject(const annotation::AnnotationObject& o) { append({{"op", "put_object"}, {"value", toJson(o)}}); }
void ProjectJournal::removeObject(int64_t id) { append({{"op", "remove_object"}, {"id", id}}); }
void ProjectJournal::putCategory(const annotation::Category& c) { append({{"op", "put_category"}, {"value", toJson(c)}}); }
void ProjectJournal::removeCategory(int id) { append({{"op", "remove_category"}, {"id", id}}); }
void ProjectJournal::putImage(const annotation::ImageRecord& i) { append({{"op", "put_image"}, {"value", toJson(i)}}); }
void ProjectJournal::removeImage(int id) { append({{"op", "remove_image"}, {"id", id}}); }

void ProjectJournal::flushIfDue() {
  // Writes to a journal whose file was deleted (its folder removed while open) succeed and keep
  // nothing: say so instead.
  struct stat st {};
  if (::fstat(m_fd, &st) == 0 && st.st_nlink == 0) {
    throw std::runtime_error("the journal " + m_path + " was deleted (was its folder removed?)");
  }
  if (m_dirty && std::chrono::steady_clock::now() - m_lastSync >= m_syncInterval) flush();
}

void ProjectJournal::flush() {
  if (m_dirty && ::fsync(m_fd) != 0) {
    throw std::runtime_error("cannot sync journal " + m_path + ": " + std::strerror(errno));
  }
  m_dirty = false;
  m_lastSync = std::chrono::steady_clock::now();
}

void ProjectJournal::clear() {
  if (::ftruncate(m_fd, 0) != 0) throw std::runtime_error("cannot truncate journal " + m_path + ": " + std::strerror(errno));
  ::fsync(m_fd);
  m_goodSize = 0;
  m_dirty = false;
}

bool ProjectJournal::hasEntries(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && st.st_size > 0;
}

ProjectJournal::Summary ProjectJournal::summarize(const std::string& path) {
  Summary summary;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return summary;
  summary.lastWritten = st.st_mtime;
  std::ifstream in(path, std::ios::binary);
  std::string line;
  while (std::getline(in, line))
    if (!in.eof() && !line.empty()) ++summary.entries;  // a line cut off by a crash is not an entry
  return summary;
}

std::string ProjectJournal::setAside(const std::string& path, std::time_t now, std::chrono::hours keepFor) {
  namespace fs = std::filesystem;
  const fs::path journal(path);
  const std::string prefix = journal.filename().string() + ".discarded-";
  std::error_code ignored;
  for (const fs::directory_entry& entry : fs::directory_iterator(journal.parent_path(), ignored)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    struct stat st {};
    if (::stat(entry.path().c_str(), &st) == 0 && now - st.st_mtime > std::chrono::duration_cast<std::chrono::seconds>(keepFor).count()) {
      fs::remove(entry.path(), ignored);
    }
  }
  if (!hasEntries(path)) return {};
  char stamp[32];
  std::tm local {};
  localtime_r(&now, &local);
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &local);
  const std::string backup = path + ".discarded-" + stamp;
  if (::rename(path.c_str(), backup.c_str()) != 0) {
    throw std::runtime_error("cannot keep the declined journal " + path + " as " + backup + ": " + std::strerror(errno));
  }
  return backup;
}

ProjectJournal::ReplayResult ProjectJournal::replay(const std::string& path, annotation::Project& project) {
  ReplayResult result;
  std::ifstream in(path, std::ios::binary);
  if (!in) return result;
  std::string line;
  size_t lineNumber = 0;
  while (std::getline(in, line)) {
    ++lineNumber;
    const bool complete = !in.eof();  // a crash can leave the last line without its newline
    if (line.empty()) continue;
    json entry;
    try {
      entry = json::parse(line);
    } catch (const json::exception&) {
      if (!complete) {
        result.truncatedTail = true;
      } else {
        result.problems.push_back("line " + std::to_string(lineNumber) + ": not valid JSON");
      }
      continue;
    }
    const std::string where = "line " + std::to_string(lineNumber);
    try {
      const std::string op = entry.at("op").get<std::string>();
      if (op == "put_object") {
        project.putObject(objectFromJson(entry.at("value"), where));
      } else if (op == "remove_object") {
        project.removeObject(entry.at("id").get<int64_t>());
      } else if (op == "put_category") {
        project.putCategory(categoryFromJson(entry.at("value"), where));
      } else if (op == "remove_category") {
        project.removeCategory(entry.at("id").get<int>());
      } else if (op == "put_image") {
        project.putImage(imageFromJson(entry.at("value"), where));
      } else if (op == "remove_image") {
        project.removeImage(entry.at("id").get<int>());
      } else {
        result.problems.push_back(where + ": unknown operation '" + op + "'");
        continue;
      }
      ++result.applied;
    } catch (const std::exception& e) {
      result.problems.push_back(where + ": " + e.what());
    }
  }
  return result;
}

}  // namespace sam3::io
