#pragma once
// Weight schemas: every state-dict key of a module with its shape, for given sizes, read from
// the JSON schema that tools/make_fixture_bundle.py reads too (the one definition; format in
// the file's "about"). The interactive heads' schema is compiled in.

#include <map>
#include <string>

#include "engine/sam3/StateDict.h"

namespace sam3::model {

// Evaluates `schemaJson` for `sizes` (every variable the schema names). Throws
// std::invalid_argument for a malformed schema or a missing size.
ShapeSpec shapesFromSchema(const std::string& schemaJson, const std::map<std::string, int64_t>& sizes);

// engine/sam3/interactive_heads.schema.json, as compiled in.
const std::string& interactiveHeadsSchema();

}  // namespace sam3::model
