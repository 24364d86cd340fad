#pragma once
// A small project with known content for the annotation/COCO tests: two images, three
// categories, objects including a ring (hole), two disconnected parts and a crowd region.

#include "engine/annotation/Project.h"
#include "engine/mask/Rle.h"

namespace sam3::test {

inline mask::BinaryMask discMask(int h, int w, int cy, int cx, int r, int holeR = 0) {
  mask::BinaryMask m(h, w);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const int d = (y - cy) * (y - cy) + (x - cx) * (x - cx);
      m.set(y, x, d <= r * r && (holeR == 0 || d > holeR * holeR));
    }
  return m;
}

inline annotation::Project makeSampleProject() {
  annotation::Project p;
  const int cat = p.putCategory({0, "cat", {230, 25, 75}, "animal"});
  const int dog = p.putCategory({0, "dog", {60, 180, 75}, "animal", "dog, puppy"});
  const int crowd = p.putCategory({0, "people", {0, 130, 200}, ""});
  const int a = p.putImage({0, "images/a.png", 80, 60, "abc", annotation::ImageStatus::InProgress});
  const int b = p.putImage({0, "images/b.jpg", 50, 40, "", annotation::ImageStatus::New});
  annotation::AnnotationObject o;
  o.imageId = a;
  o.categoryId = cat;
  o.mask = mask::encode(discMask(60, 80, 30, 30, 20, 8));  // ring with a hole
  o.source = "sam3";
  o.score = 0.93;
  o.promptHistory = nlohmann::json::array({{{"type", "point"}, {"x", 30}, {"y", 12}, {"label", 1}}});
  o.attributes = {{"occluded", true}};
  p.putObject(o);
  mask::BinaryMask parts = discMask(60, 80, 10, 65, 6);
  const mask::BinaryMask second = discMask(60, 80, 48, 68, 7);
  for (int y = 0; y < 60; ++y)
    for (int x = 0; x < 80; ++x) parts.set(y, x, parts.at(y, x) || second.at(y, x));
  o = {};
  o.imageId = a;
  o.categoryId = dog;
  o.mask = mask::encode(parts);  // two disconnected parts
  o.source = "classic";
  p.putObject(o);
  o = {};
  o.imageId = b;
  o.categoryId = crowd;
  o.mask = mask::encode(discMask(40, 50, 20, 25, 12));
  o.isCrowd = true;
  o.source = "manual";
  p.putObject(o);
  return p;
}

}  // namespace sam3::test
