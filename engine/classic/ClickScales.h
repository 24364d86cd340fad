#pragma once
// Clicks alone (no box, no mask) do not say how large the object is: a click on a cup could mean
// the handle, the cup or the cup with its saucer. So GrabCut runs with the include area at five
// sizes (7 % to 33 % of the image's long side around the clicks) and the results are ranked the
// way an object looks: a boundary on strong colour edges, and a mask that stays the same when the
// size changes (stability, as SAM scores its own candidates). The three best distinct results
// are the candidates (Tab cycles them in the window). Measured on the real-photo set
// (tests/data/real_photos, 7 click cases): mean IoU 0.57 with wave 1's single include area of a
// third of the region, 0.80 with this search (the cup click: 0.20 -> 0.65).

#include <opencv2/core.hpp>

#include "engine/segment/Segmenter.h"

namespace sam3::classic {

// Sizes of the include area, as fractions of the image's long side.
inline constexpr double kClickScales[] = {0.07, 0.10, 0.15, 0.22, 0.33};
// Each size's GrabCut works on at most this many pixels on the long side, two iterations: the
// sizes' results are compared, not refined. On the real-photo set 200 ranked best (mean click
// IoU 0.80; 160 lost the rocket, 0.69 -> 0.50; 240 the cat's eye, 0.91 -> 0.85; 320 0.74) and
// a third iteration changed no case. Cost, interleaved with the wave-1 single-size GrabCut on 2
// cores: real-photo clicks median 173 ms against 102 ms; 1 / 12 / 24 MP disc scene 87 / 126 /
// 133 ms against 111 / 123 / 131 ms (p95 111 / 164 / 152 against 125 / 153 / 149).
inline constexpr int kClickSearchSide = 200;

// Candidates for a prompt of clicks only (at least one include click), best first; `full` is
// the 8-bit BGR image. An include click outside the image is an error (no exception). The score is the candidate's stability: its IoU with the nearest size's
// result (0.3 when no other size gave a usable mask).
segment::Prediction searchClickScales(const cv::Mat& full, const std::vector<prompt::Click>& clicks, const segment::CancelToken& cancel);

}  // namespace sam3::classic
