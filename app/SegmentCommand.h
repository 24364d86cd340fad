#pragma once
// `sam3-annotate segment`: one image, one prompt (points, box) or an exemplar search, with the
// classic engine or a SAM3 model bundle; writes the mask PNG and prints timings.

#include <QCommandLineParser>
#include <QStringList>

namespace sam3::app {

int runSegmentCommand(QCommandLineParser& parser, const QStringList& arguments);

}  // namespace sam3::app
