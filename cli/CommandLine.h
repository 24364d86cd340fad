#pragma once
// A small Qt-free command-line parser for the headless tools that must build without Qt
// (`sam3-segment` on a GPU server): named options with or without a value, repeatable, and
// "--name value" or "--name=value". Errors name the option.

#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/io/ImageLoader.h"

namespace sam3::cli {

struct CommandLineError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A command's failure for the user: the message and the exit code (1: input or engine, 2: usage).
struct CommandFailure {
  int code;
  std::string message;
};

class CommandLine {
 public:
  // `valueName` empty: a flag. The help text lists options in the order they were added.
  void addOption(const std::string& name, const std::string& help, const std::string& valueName = {},
                 const std::string& defaultValue = {});
  // Throws CommandLineError for an unknown option, a missing value or a stray positional argument.
  void parse(const std::vector<std::string>& arguments);

  bool isSet(const std::string& name) const;
  bool helpRequested() const { return m_help; }
  // The last value given, or the default.
  std::string value(const std::string& name) const;
  const std::vector<std::string>& values(const std::string& name) const;
  std::string helpText(const std::string& usage) const;

 private:
  struct Option {
    std::string help, valueName, defaultValue;
    std::vector<std::string> given;
    bool set = false;
  };
  Option& find(const std::string& name);
  const Option& find(const std::string& name) const;

  std::vector<std::string> m_order;
  std::map<std::string, Option> m_options;
  bool m_help = false;
};

// The frame of every headless command: parses `arguments` into `line` (options already added),
// prints the help for -h, runs `body`, and turns CommandFailure (its code), CommandLineError (2)
// and any other exception (1) into "program: message" on stderr. Returns the exit code.
int runCommand(CommandLine& line, const std::vector<std::string>& arguments, const std::string& program, const std::string& usage,
               const std::function<void(const CommandLine&)>& body);

// "a,b,c" -> numbers; false when the count is outside [minCount, maxCount] or a part is not a
// finite number.
bool parseNumberList(const std::string& text, int minCount, int maxCount, std::vector<double>& out);

// The image limits of a command with a --max-pixels option (a whole number from 1).
io::ImageLimits imageLimits(const CommandLine& line);

}  // namespace sam3::cli
