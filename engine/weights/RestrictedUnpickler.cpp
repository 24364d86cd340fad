#include "engine/weights/RestrictedUnpickler.h"

#include <cstring>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace sam3::weights {
namespace {

using Kind = PickleValue::Kind;

constexpr size_t kMaxStackDepth = 1u << 20;
// Containers nest this deep at most (a state dict: a few levels). Deeper nesting costs two bytes
// a level and would overflow the C++ stack when the values are destroyed (shared_ptr chains).
constexpr size_t kMaxNesting = 1000;

const std::set<std::string>& storageTypes() {
  static const std::set<std::string> types = {
      "FloatStorage", "DoubleStorage", "HalfStorage", "BFloat16Storage", "LongStorage", "IntStorage",
      "ShortStorage", "CharStorage",   "ByteStorage", "BoolStorage"};
  return types;
}

bool isAllowedGlobal(const std::string& module, const std::string& name) {
  if (module == "collections" && name == "OrderedDict") return true;
  if (module == "torch._utils" && (name == "_rebuild_tensor_v2" || name == "_rebuild_parameter")) return true;
  if (module == "torch" && storageTypes().count(name)) return true;
  return false;
}

class Unpickler {
 public:
  Unpickler(const uint8_t* data, size_t size) : m_data(data), m_size(size) {}

  PickleValuePtr run() {
    while (true) {
      const size_t at = m_pos;
      const uint8_t op = readByte();
      switch (op) {
        case 0x80: readByte(); break;                           // PROTO
        case 0x95: readBytes(8); break;                         // FRAME (length is advisory)
        case '.': return finish();                              // STOP
        case '(': push(PickleValue::make(Kind::Mark)); break;   // MARK
        case '}': push(container(Kind::Dict)); break;   // EMPTY_DICT
        case ']': push(container(Kind::List)); break;   // EMPTY_LIST
        case ')': push(container(Kind::Tuple)); break;  // EMPTY_TUPLE
        case 'N': push(PickleValue::make(Kind::None)); break;
        case 0x88: push(makeBool(true)); break;                 // NEWTRUE
        case 0x89: push(makeBool(false)); break;                // NEWFALSE
        case 'J': push(makeInt(static_cast<int32_t>(readLe(4)))); break;  // BININT
        case 'K': push(makeInt(readLe(1))); break;                        // BININT1
        case 'M': push(makeInt(readLe(2))); break;                        // BININT2
        case 0x8a: push(makeInt(readLong(readLe(1)))); break;             // LONG1
        case 'G': push(makeFloat(readBigEndianDouble())); break;          // BINFLOAT
        case 'X': push(makeText(Kind::String, readLe(4))); break;         // BINUNICODE
        case 0x8c: push(makeText(Kind::String, readLe(1))); break;        // SHORT_BINUNICODE
        case 0x8d: push(makeText(Kind::String, readLe(8))); break;        // BINUNICODE8
        case 'T': push(makeText(Kind::String, readLe(4))); break;         // BINSTRING
        case 'U': push(makeText(Kind::String, readLe(1))); break;         // SHORT_BINSTRING
        case 'B': push(makeText(Kind::Bytes, readLe(4))); break;          // BINBYTES
        case 'C': push(makeText(Kind::Bytes, readLe(1))); break;          // SHORT_BINBYTES
        case 't': push(makeTuple(popToMark())); break;                    // TUPLE
        case 0x85: push(makeTuple(popN(1))); break;                       // TUPLE1
        case 0x86: push(makeTuple(popN(2))); break;                       // TUPLE2
        case 0x87: push(makeTuple(popN(3))); break;                       // TUPLE3
        case 'l': { auto v = container(Kind::List); v->items = popToMark(); push(v); break; }
        case 'd': { auto v = container(Kind::Dict); addPairs(*v, popToMark()); push(v); break; }
        case 'a': { auto item = pop(); appendTo(top(), {item}); break; }  // APPEND
        case 'e': { auto items = popToMark(); appendTo(top(), items); break; }  // APPENDS
        case 's': { auto value = pop(); auto key = pop(); setItems(top(), {key, value}); break; }
        case 'u': { auto items = popToMark(); setItems(top(), items); break; }  // SETITEMS
        case 'c': {                                                       // GLOBAL
          const std::string module = readLine();  // two statements: argument order is unspecified
          global(module, readLine());
          break;
        }
        case 0x93: { auto name = pop(); auto module = pop(); global(textOf(module), textOf(name)); break; }
        case 'R': reduce(); break;                                         // REDUCE
        case 'b': build(); break;                                          // BUILD
        case 'Q': persistentId(); break;                                   // BINPERSID
        case 'q': memoPut(readLe(1)); break;                               // BINPUT
        case 'r': memoPut(readLe(4)); break;                               // LONG_BINPUT
        case 0x94: memoPut(m_memo.size()); break;                          // MEMOIZE
        case 'h': push(memoGet(readLe(1))); break;                         // BINGET
        case 'j': push(memoGet(readLe(4))); break;                         // LONG_BINGET
        case '0': pop(); break;                                            // POP
        case '1': popToMark(); break;                                      // POP_MARK
        case '2': push(top()); break;                                      // DUP
        default:
          fail("unsupported pickle opcode 0x" + hex(op) + " at offset " + std::to_string(at) +
               " (only plain containers and tensors are accepted)");
      }
    }
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { throw UnpicklingError("checkpoint pickle: " + what); }

  static std::string hex(uint8_t v) {
    const char* digits = "0123456789abcdef";
    return std::string{digits[v >> 4], digits[v & 15]};
  }

  uint8_t readByte() {
    if (m_pos >= m_size) fail("truncated (unexpected end of data)");
    return m_data[m_pos++];
  }
  const uint8_t* readBytes(uint64_t n) {
    if (n > m_size - m_pos) fail("truncated (a field of " + std::to_string(n) + " bytes runs past the end)");
    const uint8_t* p = m_data + m_pos;
    m_pos += static_cast<size_t>(n);
    return p;
  }
  uint64_t readLe(int bytes) {
    const uint8_t* p = readBytes(bytes);
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
    return v;
  }
  int64_t readLong(uint64_t n) {
    if (n > 8) fail("integer of " + std::to_string(n) + " bytes is too large");
    if (n == 0) return 0;
    const uint8_t* p = readBytes(n);
    uint64_t v = 0;
    for (int i = static_cast<int>(n) - 1; i >= 0; --i) v = (v << 8) | p[i];
    if (n < 8 && (p[n - 1] & 0x80)) v |= ~uint64_t(0) << (8 * n);  // sign-extend
    return static_cast<int64_t>(v);
  }
  double readBigEndianDouble() {
    const uint8_t* p = readBytes(8);
    uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits = (bits << 8) | p[i];
    double d;
    std::memcpy(&d, &bits, sizeof(d));
    return d;
  }
  std::string readLine() {
    std::string line;
    while (true) {
      const uint8_t c = readByte();
      if (c == '\n') return line;
      if (line.size() > 256) fail("GLOBAL name too long");
      line.push_back(static_cast<char>(c));
    }
  }

  PickleValuePtr makeBool(bool b) { auto v = PickleValue::make(Kind::Bool); v->boolValue = b; return v; }
  PickleValuePtr makeInt(int64_t i) { auto v = PickleValue::make(Kind::Int); v->intValue = i; return v; }
  PickleValuePtr makeFloat(double d) { auto v = PickleValue::make(Kind::Float); v->floatValue = d; return v; }
  PickleValuePtr makeText(Kind kind, uint64_t length) {
    const uint8_t* p = readBytes(length);
    auto v = PickleValue::make(kind);
    v->text.assign(reinterpret_cast<const char*>(p), static_cast<size_t>(length));
    return v;
  }
  PickleValuePtr makeTuple(std::vector<PickleValuePtr> items) {
    auto v = container(Kind::Tuple);
    v->items = std::move(items);
    return v;
  }

  void push(PickleValuePtr v) {
    if (m_stack.size() >= kMaxStackDepth) fail("stack too deep");
    m_stack.push_back(std::move(v));
  }
  PickleValuePtr pop() {
    if (m_stack.empty()) fail("stack underflow");
    PickleValuePtr v = m_stack.back();
    m_stack.pop_back();
    if (v->kind == Kind::Mark) fail("unexpected MARK on the stack");
    return v;
  }
  const PickleValuePtr& top() {
    if (m_stack.empty() || m_stack.back()->kind == Kind::Mark) fail("stack underflow");
    return m_stack.back();
  }
  std::vector<PickleValuePtr> popN(size_t n) {
    std::vector<PickleValuePtr> items(n);
    for (size_t i = n; i-- > 0;) items[i] = pop();
    return items;
  }
  std::vector<PickleValuePtr> popToMark() {
    size_t mark = m_stack.size();
    while (mark > 0 && m_stack[mark - 1]->kind != Kind::Mark) --mark;
    if (mark == 0) fail("MARK not found");
    std::vector<PickleValuePtr> items(m_stack.begin() + mark, m_stack.end());
    m_stack.resize(mark - 1);
    return items;
  }
  static const std::string& textOf(const PickleValuePtr& v) { return v->text; }

  void appendTo(const PickleValuePtr& list, const std::vector<PickleValuePtr>& items) {
    if (list->kind != Kind::List) fail("APPEND to something that is not a list");
    list->items.insert(list->items.end(), items.begin(), items.end());
  }
  void addPairs(PickleValue& dict, const std::vector<PickleValuePtr>& items) {
    if (items.size() % 2 != 0) fail("odd number of items for a dict");
    for (size_t i = 0; i < items.size(); i += 2) dict.entries.emplace_back(items[i], items[i + 1]);
  }
  void setItems(const PickleValuePtr& dict, const std::vector<PickleValuePtr>& items) {
    if (dict->kind != Kind::Dict) fail("SETITEM on something that is not a dict");
    addPairs(*dict, items);
  }

  void global(const std::string& module, const std::string& name) {
    if (!isAllowedGlobal(module, name)) {
      fail("refusing '" + module + "." + name +
           "': a checkpoint may contain only containers, numbers, strings and tensors");
    }
    auto v = PickleValue::make(Kind::Global);
    v->text = module + " " + name;
    push(v);
  }

  // A map, as CPython's memo: a vector sized by the largest index let a 5-byte pickle
  // (LONG_BINPUT 2^26) allocate 1 GB (found by fuzz_unpickler: 480 executions/s at 800 MB).
  void memoPut(uint64_t index) {
    if (m_memo.size() >= (1u << 24) && !m_memo.count(index)) fail("too many memo entries");
    m_memo[index] = top();
  }
  PickleValuePtr memoGet(uint64_t index) {
    const auto stored = m_memo.find(index);
    if (stored == m_memo.end() || !stored->second) {
      fail("memo reference " + std::to_string(index) + " was never stored");
    }
    return stored->second;
  }

  static std::vector<int64_t> intTuple(const PickleValuePtr& v, const char* what, Unpickler& self) {
    if (v->kind != Kind::Tuple) self.fail(std::string(what) + " is not a tuple");
    std::vector<int64_t> out;
    for (const auto& item : v->items) {
      if (item->kind != Kind::Int) self.fail(std::string(what) + " holds a non-integer");
      out.push_back(item->intValue);
    }
    return out;
  }

  void persistentId() {
    const PickleValuePtr pid = pop();
    // ('storage', <storage type global>, key, location, numel)
    if (pid->kind != Kind::Tuple || pid->items.size() < 5 || pid->items[0]->text != "storage" ||
        pid->items[1]->kind != Kind::Global || pid->items[2]->kind != Kind::String ||
        pid->items[4]->kind != Kind::Int) {
      fail("unsupported persistent id (expected a torch storage reference)");
    }
    auto storage = PickleValue::make(Kind::Storage);
    const std::string& global = pid->items[1]->text;
    storage->tensor.storageType = global.substr(global.find(' ') + 1);
    storage->tensor.storageKey = pid->items[2]->text;
    storage->tensor.storageNumel = pid->items[4]->intValue;
    push(storage);
  }

  void reduce() {
    const PickleValuePtr args = pop();
    const PickleValuePtr callable = pop();
    if (callable->kind != Kind::Global || args->kind != Kind::Tuple) fail("REDUCE needs a global and a tuple");
    if (callable->text == "collections OrderedDict") {
      if (!args->items.empty()) fail("OrderedDict with constructor arguments");
      push(container(Kind::Dict));
    } else if (callable->text == "torch._utils _rebuild_tensor_v2") {
      // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
      if (args->items.size() < 4 || args->items[0]->kind != Kind::Storage || args->items[1]->kind != Kind::Int) {
        fail("malformed _rebuild_tensor_v2 arguments");
      }
      auto tensor = PickleValue::make(Kind::Tensor);
      tensor->tensor = args->items[0]->tensor;
      tensor->tensor.offset = args->items[1]->intValue;
      tensor->tensor.sizes = intTuple(args->items[2], "tensor size", *this);
      tensor->tensor.strides = intTuple(args->items[3], "tensor stride", *this);
      if (tensor->tensor.sizes.size() != tensor->tensor.strides.size()) fail("tensor size and stride ranks differ");
      push(tensor);
    } else if (callable->text == "torch._utils _rebuild_parameter") {
      if (args->items.empty() || args->items[0]->kind != Kind::Tensor) fail("malformed _rebuild_parameter arguments");
      push(args->items[0]);
    } else {
      fail("'" + callable->text + "' cannot be called");
    }
  }

  void build() {
    pop();  // state: e.g. an OrderedDict's _metadata, irrelevant for weights
    top();
  }

 public:
  // Throws for a container that contains itself (directly or not) or nesting past kMaxNesting:
  // an iterative walk, so neither can overflow the stack here.
  void checkShape(const PickleValuePtr& root) {
    struct Frame {
      const PickleValue* value;
      size_t next;
    };
    std::unordered_map<const PickleValue*, int> state;  // 1: on the current path, 2: done
    std::vector<Frame> path{{root.get(), 0}};
    state[root.get()] = 1;
    while (!path.empty()) {
      if (path.size() > kMaxNesting) fail("containers nested deeper than " + std::to_string(kMaxNesting) + " levels");
      Frame& frame = path.back();
      const PickleValue* child = childAt(*frame.value, frame.next++);
      if (!child) {
        state[frame.value] = 2;
        path.pop_back();
        continue;
      }
      int& seen = state[child];
      if (seen == 1) fail("a container contains itself (a cycle): not a state dict");
      if (seen == 0) {
        seen = 1;
        path.push_back({child, 0});
      }
    }
  }

  // Breaks containers apart without recursion (cycles would leak, deep chains would overflow
  // the stack when destroyed): all of them, or all that `keep` (a checked result) does not
  // reach — a pickle may build a cycle, drop it and still return a clean dict (found by
  // fuzz_unpickler in CI: a list appended to itself, then popped, leaked).
  void dismantle(const PickleValuePtr& keep = nullptr) {
    std::unordered_set<const PickleValue*> kept;
    if (keep) {
      std::vector<const PickleValue*> pending{keep.get()};  // an explicit stack: no recursion
      while (!pending.empty()) {
        const PickleValue* v = pending.back();
        pending.pop_back();
        if (!kept.insert(v).second) continue;
        for (size_t i = 0; const PickleValue* child = childAt(*v, i); ++i) pending.push_back(child);
      }
    }
    std::vector<PickleValuePtr> alive;
    for (const auto& weak : m_containers)
      if (PickleValuePtr v = weak.lock(); v && !kept.count(v.get())) alive.push_back(std::move(v));
    for (const PickleValuePtr& v : alive) {
      v->items.clear();
      v->entries.clear();
    }
  }

 private:

  PickleValuePtr finish() {
    if (m_stack.size() != 1) fail("malformed pickle (stack holds " + std::to_string(m_stack.size()) + " values at STOP)");
    return pop();
  }

  const uint8_t* m_data;
  size_t m_size;
  size_t m_pos = 0;
  std::vector<PickleValuePtr> m_stack;
  std::unordered_map<uint64_t, PickleValuePtr> m_memo;
  std::vector<std::weak_ptr<PickleValue>> m_containers;  // every tuple, list and dict made

  PickleValuePtr container(Kind kind) {
    PickleValuePtr v = PickleValue::make(kind);
    m_containers.push_back(v);
    return v;
  }
  static const PickleValue* childAt(const PickleValue& v, size_t i) {
    if (i < v.items.size()) return v.items[i].get();
    i -= v.items.size();
    if (i / 2 >= v.entries.size()) return nullptr;
    const auto& entry = v.entries[i / 2];
    return (i % 2 ? entry.second : entry.first).get();
  }
};

}  // namespace

PickleValuePtr unpickleRestricted(const uint8_t* data, size_t size) {
  Unpickler unpickler(data, size);
  try {
    PickleValuePtr result = unpickler.run();
    unpickler.checkShape(result);
    unpickler.dismantle(result);  // what the result does not hold
    return result;
  } catch (...) {
    unpickler.dismantle();
    throw;
  }
}

}  // namespace sam3::weights
