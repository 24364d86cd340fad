#pragma once
// How an engine call ended, as a value that crosses the engine interface and the GUI's thread
// boundary: a code callers branch on (never a message compared as a string: "cancelled" was),
// a message for the user and a detail for the log.

#include <string>

namespace sam3::segment {

enum class StatusCode {
  Ok,
  Cancelled,      // the caller's cancel flag was set; partial results may remain
  InvalidInput,   // the prompt, image or options cannot be used (the message says how to fix it)
  Unsupported,    // this engine or bundle cannot do it (the message names what can)
  EngineFailure,  // the engine failed on valid input (the detail has the exception)
  Io,             // a file could not be read or written
};

struct Status {
  StatusCode code = StatusCode::Ok;
  std::string message;  // for the user; empty when ok
  std::string detail;   // for the log

  bool ok() const { return code == StatusCode::Ok; }
  bool isCancelled() const { return code == StatusCode::Cancelled; }

  static Status cancelled() { return {StatusCode::Cancelled, "cancelled", {}}; }
  static Status invalidInput(std::string message) { return {StatusCode::InvalidInput, std::move(message), {}}; }
  static Status unsupported(std::string message) { return {StatusCode::Unsupported, std::move(message), {}}; }
  static Status engineFailure(std::string message, std::string detail = {}) {
    return {StatusCode::EngineFailure, std::move(message), std::move(detail)};
  }
  static Status io(std::string message) { return {StatusCode::Io, std::move(message), {}}; }
};

// The code's name for logs and the command line's JSON ("ok", "cancelled", "invalid-input", ...).
inline const char* nameOf(StatusCode code) {
  switch (code) {
    case StatusCode::Ok:
      return "ok";
    case StatusCode::Cancelled:
      return "cancelled";
    case StatusCode::InvalidInput:
      return "invalid-input";
    case StatusCode::Unsupported:
      return "unsupported";
    case StatusCode::EngineFailure:
      return "engine-failure";
    case StatusCode::Io:
      return "io";
  }
  return "unknown";
}

}  // namespace sam3::segment
