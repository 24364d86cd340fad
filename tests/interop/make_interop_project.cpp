// Writes the sample project (a ring with a hole, a two-part object, a crowd region, and an empty
// image) to the path given, for test_pycocotools.py.
#include <cstdio>

#include "engine/io/ProjectFile.h"
#include "support/SampleProject.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_interop_project OUT.sam3proj\n");
    return 2;
  }
  sam3::annotation::Project project = sam3::test::makeSampleProject();
  project.putImage({0, "images/c.png", 30, 20, "", sam3::annotation::ImageStatus::New});
  sam3::io::saveProject(project, argv[1]);
  return 0;
}
