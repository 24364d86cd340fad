#include "engine/sam3/WeightSchema.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace sam3::model {
namespace {

using nlohmann::json;

int64_t atom(const std::string& text, const std::map<std::string, int64_t>& values) {
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) return std::stoll(text);
  const auto it = values.find(text);
  if (it == values.end()) throw std::invalid_argument("weight schema: unknown size '" + text + "'");
  return it->second;
}

// + and - of products; * and / left to right within a product (as tools/weight_schema.py).
int64_t evaluate(const std::string& expression, const std::map<std::string, int64_t>& values) {
  int64_t total = 0, term = 0;
  char sign = '+', op = '*';
  std::string token;
  auto apply = [&] {
    const int64_t v = atom(token, values);
    term = op == '*' ? term * v : term / v;
    token.clear();
  };
  term = 1;
  for (const char ch : expression + "+") {
    if (ch == ' ') continue;
    if (ch == '*' || ch == '/') {
      apply();
      op = ch;
    } else if (ch == '+' || ch == '-') {
      if (token.empty() && term == 1 && op == '*') {  // a leading sign
        sign = ch;
        continue;
      }
      apply();
      total += sign == '-' ? -term : term;
      sign = ch;
      term = 1;
      op = '*';
    } else {
      token += ch;
    }
  }
  return total;
}

void expand(const std::string& kind, const std::string& name, const json& args, const std::map<std::string, int64_t>& v, ShapeSpec& out) {
  auto e = [&v](const json& x) { return evaluate(x.get<std::string>(), v); };
  const int64_t c = v.count("c") ? v.at("c") : 0;
  auto linear = [&out](const std::string& n, int64_t o, int64_t i) {
    out[n + ".weight"] = {o, i};
    out[n + ".bias"] = {o};
  };
  if (kind == "tensor") {
    std::vector<int64_t> dims;
    for (const json& d : args.at(0)) dims.push_back(e(d));
    out[name] = dims;
  } else if (kind == "linear") {
    linear(name, e(args.at(0)), e(args.at(1)));
  } else if (kind == "norm") {
    out[name + ".weight"] = {e(args.at(0))};
    out[name + ".bias"] = {e(args.at(0))};
  } else if (kind == "mlp") {
    const int64_t hidden = e(args.at(0)), last = e(args.at(1));
    linear(name + ".layers.0", hidden, c);
    linear(name + ".layers.1", hidden, hidden);
    linear(name + ".layers.2", last, hidden);
  } else if (kind == "attention") {
    const int64_t inner = e(args.at(0));
    for (const char* proj : {".q_proj", ".k_proj", ".v_proj"}) linear(name + proj, inner, c);
    linear(name + ".out_proj", c, inner);
  } else {
    throw std::invalid_argument("weight schema: unknown kind '" + kind + "'");
  }
}

std::string replaced(std::string name, int64_t i) {
  const size_t at = name.find("{i}");
  return at == std::string::npos ? name : name.replace(at, 3, std::to_string(i));
}

}  // namespace

ShapeSpec shapesFromSchema(const std::string& schemaJson, const std::map<std::string, int64_t>& sizes) {
  try {
    const json schema = json::parse(schemaJson);
    std::map<std::string, int64_t> values = sizes;
    for (const json& variable : schema.at("variables")) {
      if (!values.count(variable.get<std::string>())) throw std::invalid_argument("size not given: " + variable.get<std::string>());
    }
    for (const auto& [name, expression] : schema.at("derived").items()) values[name] = evaluate(expression.get<std::string>(), values);
    ShapeSpec out;
    for (const json& entry : schema.at("entries")) {
      const bool repeats = entry.back().is_object();
      const json args(std::vector<json>(entry.begin() + 2, repeats ? entry.end() - 1 : entry.end()));
      const int64_t bound = repeats ? evaluate(entry.back().at("i").get<std::string>(), values) : 1;
      for (int64_t i = 0; i < bound; ++i) expand(entry.at(0), replaced(entry.at(1), i), args, values, out);
    }
    return out;
  } catch (const json::exception& e) {
    throw std::invalid_argument(std::string("weight schema: ") + e.what());
  }
}

const std::string& interactiveHeadsSchema() {
  static const std::string schema =
#include "interactive_heads.schema.inc"
      ;
  return schema;
}

}  // namespace sam3::model
