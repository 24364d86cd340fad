// Helper of tst_crash_recovery: edits a project the way the app does (journal every edit, save
// atomically every 25 edits, then clear the journal) until it is killed. After each edit has
// been journaled it prints "added <id>".  usage: project_writer PROJECT SEED

#include <cstdio>
#include <filesystem>
#include <random>

#include "engine/io/ProjectFile.h"
#include "engine/io/ProjectJournal.h"

using namespace sam3;

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  const std::string path = argv[1];
  std::mt19937 rng(std::stoul(argv[2]));
  annotation::Project project;
  if (std::filesystem::exists(path)) {
    project = io::loadProject(path);
    io::ProjectJournal::replay(io::ProjectJournal::pathFor(path), project);
  } else {
    project.putCategory({0, "thing", {1, 2, 3}, ""});
    project.putImage({0, "img.png", 64, 48, "", annotation::ImageStatus::New});
    io::saveProject(project, path);
  }
  io::ProjectJournal journal(io::ProjectJournal::pathFor(path));
  for (int edit = 1;; ++edit) {
    mask::BinaryMask m(48, 64);
    const int x0 = int(rng() % 50), y0 = int(rng() % 40);
    for (int y = y0; y < y0 + 8; ++y)
      for (int x = x0; x < x0 + 12; ++x) m.set(y, x, true);
    annotation::AnnotationObject o;
    o.imageId = project.images().begin()->first;
    o.categoryId = project.categories().begin()->first;
    o.mask = mask::encode(m);
    const int64_t id = project.putObject(o);
    journal.putObject(*project.object(id));
    std::printf("added %lld\n", static_cast<long long>(id));
    std::fflush(stdout);
    if (edit % 25 == 0) {
      io::saveProject(project, path);
      journal.clear();
    }
  }
}
