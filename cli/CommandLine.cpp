#include "CommandLine.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace sam3::cli {

void CommandLine::addOption(const std::string& name, const std::string& help, const std::string& valueName,
                            const std::string& defaultValue) {
  m_order.push_back(name);
  m_options[name] = Option{help, valueName, defaultValue, {}, false};
}

CommandLine::Option& CommandLine::find(const std::string& name) {
  const auto it = m_options.find(name);
  if (it == m_options.end()) throw CommandLineError("unknown option --" + name);
  return it->second;
}

const CommandLine::Option& CommandLine::find(const std::string& name) const {
  return const_cast<CommandLine*>(this)->find(name);
}

void CommandLine::parse(const std::vector<std::string>& arguments) {
  for (size_t i = 0; i < arguments.size(); ++i) {
    const std::string& arg = arguments[i];
    if (arg == "-h" || arg == "--help") {
      m_help = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0 || arg.size() == 2) throw CommandLineError("unexpected argument '" + arg + "'");
    const size_t equals = arg.find('=');
    const std::string name = arg.substr(2, equals == std::string::npos ? std::string::npos : equals - 2);
    Option& option = find(name);
    option.set = true;
    if (option.valueName.empty()) {
      if (equals != std::string::npos) throw CommandLineError("--" + name + " takes no value");
      continue;
    }
    if (equals != std::string::npos) {
      option.given.push_back(arg.substr(equals + 1));
    } else if (i + 1 < arguments.size()) {
      option.given.push_back(arguments[++i]);
    } else {
      throw CommandLineError("--" + name + " needs a value (" + option.valueName + ")");
    }
  }
}

bool CommandLine::isSet(const std::string& name) const { return find(name).set; }

std::string CommandLine::value(const std::string& name) const {
  const Option& option = find(name);
  return option.given.empty() ? option.defaultValue : option.given.back();
}

const std::vector<std::string>& CommandLine::values(const std::string& name) const { return find(name).given; }

std::string CommandLine::helpText(const std::string& usage) const {
  std::string text = "usage: " + usage + "\n\noptions:\n";
  for (const std::string& name : m_order) {
    const Option& option = m_options.at(name);
    std::string left = "  --" + name + (option.valueName.empty() ? "" : " <" + option.valueName + ">");
    if (left.size() < 28) left.resize(28, ' ');
    text += left + " " + option.help;
    if (!option.defaultValue.empty()) text += " (default: " + option.defaultValue + ")";
    text += "\n";
  }
  return text + "  -h, --help                   This help.\n";
}

int runCommand(CommandLine& line, const std::vector<std::string>& arguments, const std::string& program, const std::string& usage,
               const std::function<void(const CommandLine&)>& body) {
  try {
    line.parse(arguments);
    if (line.helpRequested()) {
      std::fputs(line.helpText(usage).c_str(), stdout);
      return 0;
    }
    body(line);
    return 0;
  } catch (const CommandFailure& f) {
    std::fprintf(stderr, "%s: %s\n", program.c_str(), f.message.c_str());
    return f.code;
  } catch (const CommandLineError& e) {
    std::fprintf(stderr, "%s: %s\n", program.c_str(), e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", program.c_str(), e.what());
    return 1;
  }
}

io::ImageLimits imageLimits(const CommandLine& line) {
  io::ImageLimits limits;
  const std::string text = line.value("max-pixels");
  size_t used = 0;
  long long n = 0;
  try {
    n = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || n < 1) {
    throw CommandFailure{2, "--max-pixels needs a whole number of pixels from 1, got '" + text + "'"};
  }
  limits.maxPixels = n;
  return limits;
}

bool parseNumberList(const std::string& text, int minCount, int maxCount, std::vector<double>& out) {
  out.clear();
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    const std::string part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    char* end = nullptr;
    const double v = std::strtod(part.c_str(), &end);
    while (end && (*end == ' ' || *end == '\t')) ++end;
    if (part.empty() || end == part.c_str() || *end != '\0' || !std::isfinite(v)) return false;
    out.push_back(v);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return int(out.size()) >= minCount && int(out.size()) <= maxCount;
}

}  // namespace sam3::cli
