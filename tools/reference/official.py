"""The official SAM3 image model as the exporter and the parity check build it (reference venv,
tools/setup_reference.sh; never Debian's /usr/bin/python3).

- build(): the official builder (`sam3.model_builder.build_sam3_image_model`) at real sizes, or
  with fewer ViT blocks (`depth`, testing only), on a CPU-only machine too (the package
  hard-codes device="cuda" in a few constructors; we redirect those calls while it builds).
- randomize(): every parameter drawn again from a generator seeded per tensor name, so a
  random-weight model is the same on every machine and in every run.
- load_checkpoint(): the gated sam3.pt read by us, every expected key and shape checked (the
  official loader uses strict=False and only prints what is missing).
"""
import contextlib
import os
import zlib

SUPPORTED_SAM3 = ("0.1.4",)
# The official model's parts as the checkpoint names them: image-model modules live under
# "detector.", the SAM1-style interactive predictor's model under "tracker.".
TRACKER_MODULE = "inst_interactive_predictor.model."
VIT_DEPTH = 32
GLOBAL_EVERY = 8  # the released ViT attends globally in blocks 7, 15, 23, 31

_FACTORIES = ("zeros", "ones", "empty", "full", "arange", "linspace", "tensor", "rand", "randn")


VOCABULARY_SHA256 = "924691ac288e54409236115652ad4aa250f48203de50a9e4722a6ecd48d6804a"


class ReferenceError(Exception):
    """A problem the user can fix; the message names the file or package and the fix."""


def package_info():
    """(version, path) of the importable official sam3 package; refuses versions whose internals
    the exporter has not been checked against."""
    import importlib
    import sam3
    version = getattr(sam3, "__version__", "unknown")
    required = [("sam3.model_builder", "build_sam3_image_model"), ("sam3.model.sam3_image", "Sam3Image"),
                ("sam3.model.text_encoder_ve", "VETextEncoder"), ("sam3.model.sam3_image_processor", "Sam3Processor")]
    methods = ("_run_encoder", "_run_decoder", "_run_segmentation_heads", "predict_inst")
    try:
        found = [getattr(importlib.import_module(module), name) for module, name in required]
        missing = [m for m in methods if not hasattr(found[1], m)]
    except (ImportError, AttributeError) as e:
        missing = [str(e)]
    if missing:
        raise ReferenceError("the installed sam3 %s lacks %s; install sam3==%s (tools/setup_reference.sh)"
                             % (version, ", ".join(missing), SUPPORTED_SAM3[0]))
    return version, os.path.dirname(sam3.__file__)


@contextlib.contextmanager
def _cuda_redirected(torch, device):
    """While the official constructors run, tensors they ask for on "cuda" go to `device`."""
    if device.type == "cuda":
        yield
        return
    saved = {name: getattr(torch, name) for name in _FACTORIES}

    def redirect(factory):
        def call(*args, **kwargs):
            wanted = kwargs.get("device")
            if wanted is not None and torch.device(wanted).type == "cuda":
                kwargs["device"] = device
            return factory(*args, **kwargs)
        return call

    for name, factory in saved.items():
        setattr(torch, name, redirect(factory))
    try:
        yield
    finally:
        for name, factory in saved.items():
            setattr(torch, name, factory)


def vocabulary():
    """Path of the CLIP BPE merges (bpe_simple_vocab_16e6.txt.gz) in the venv's open_clip
    package, checked against the file facebookresearch/sam3 ships; found without importing it."""
    import hashlib
    import importlib.util
    spec = importlib.util.find_spec("open_clip")
    path = os.path.join(os.path.dirname(spec.origin), "bpe_simple_vocab_16e6.txt.gz") if spec else ""
    if not os.path.isfile(path):
        raise ReferenceError("the BPE vocabulary is missing: install open_clip_torch (tools/setup_reference.sh) "
                             "or pass --vocabulary")
    with open(path, "rb") as f:
        if hashlib.sha256(f.read()).hexdigest() != VOCABULARY_SHA256:
            raise ReferenceError("%s is not SAM3's BPE vocabulary (sha256 differs); pass --vocabulary" % path)
    return path


def allow_cpu_only(torch):
    """On a machine without CUDA, the official geometry encoder's `pin_memory()` (a CUDA-host
    call it makes unconditionally) becomes a no-op; nothing else changes."""
    if torch.cuda.is_available() or getattr(torch.Tensor.pin_memory, "_sam3_cpu_only", False):
        return

    def pin_memory(self, *args, **kwargs):
        return self

    pin_memory._sam3_cpu_only = True
    torch.Tensor.pin_memory = pin_memory


def global_blocks(depth):
    """Global-attention block indices for a ViT of `depth` blocks, in the released pattern (every
    8th block, and always the last: 32 -> 7, 15, 23, 31; 2 -> 1)."""
    blocks = [i for i in range(depth) if (i + 1) % GLOBAL_EVERY == 0]
    if depth - 1 not in blocks:
        blocks.append(depth - 1)
    return tuple(blocks)


def build(torch, bpe_path, device="cpu", depth=VIT_DEPTH):
    """The official image model with the interactive (SAM1-style) predictor, in eval mode."""
    import sam3.model_builder as builder
    if not 1 <= depth <= VIT_DEPTH:
        raise ReferenceError("--depth must be between 1 and %d" % VIT_DEPTH)
    real_vit = builder.ViT

    def vit(**kwargs):
        if kwargs.get("depth") != VIT_DEPTH or tuple(kwargs.get("global_att_blocks", ())) != global_blocks(VIT_DEPTH):
            raise ReferenceError("this sam3 builds its ViT with other sizes than the exporter knows (%s)" % kwargs)
        kwargs.update(depth=depth, global_att_blocks=global_blocks(depth))
        return real_vit(**kwargs)

    builder.ViT = vit
    allow_cpu_only(torch)
    try:
        with _cuda_redirected(torch, torch.device(device)):
            model = builder.build_sam3_image_model(
                bpe_path=bpe_path, device=device, eval_mode=True, checkpoint_path=None, load_from_HF=False,
                enable_segmentation=True, enable_inst_interactivity=True, compile=False)
    finally:
        builder.ViT = real_vit
    return model.to(device).eval()


def checkpoint_name(model_key):
    """The official checkpoint's name of a model state-dict key (the inverse of the official
    loader's renaming)."""
    if model_key.startswith(TRACKER_MODULE):
        return "tracker." + model_key[len(TRACKER_MODULE):]
    return "detector." + model_key


def _is_norm(module):
    return "Norm" in type(module).__name__


def randomize(torch, model, seed):
    """Draws every parameter (and the SAM1 prompt encoder's random Fourier matrix) again from a
    generator seeded with (seed, tensor name): independent of construction order, the same on
    every machine. Scales keep activations in range at any depth: matrices N(0, 1/fan_in),
    normalisation weights 1 + N(0, 0.1^2), everything else N(0, 0.02^2)."""
    norms = {name for name, module in model.named_modules() if _is_norm(module)}
    targets = dict(model.named_parameters())
    targets.update({n: b for n, b in model.named_buffers() if n.endswith("positional_encoding_gaussian_matrix")})
    with torch.no_grad():
        for name in sorted(targets):
            tensor = targets[name]
            generator = torch.Generator().manual_seed((seed << 32) ^ zlib.crc32(name.encode()))
            z = torch.randn(tensor.shape, generator=generator, dtype=torch.float32)
            owner = name.rsplit(".", 1)[0]
            if name.endswith("positional_encoding_gaussian_matrix"):
                value = z
            elif owner in norms and name.endswith(".weight"):
                value = 1.0 + 0.1 * z
            elif tensor.dim() >= 2:
                value = z / (tensor[0].numel() ** 0.5)
            else:
                value = 0.02 * z
            tensor.copy_(value.to(tensor.dtype))


def check_checkpoint_file(path):
    """The cheap checks, before minutes are spent building the model."""
    import zipfile
    if not os.path.isfile(path):
        raise ReferenceError("checkpoint %s not found (download sam3.pt from https://huggingface.co/facebook/sam3 "
                             "after accepting the licence)" % path)
    if not zipfile.is_zipfile(path):
        raise ReferenceError("%s is not a torch checkpoint (not a zip archive; truncated download?)" % path)


def load_checkpoint(torch, model, path):
    """Loads sam3.pt into `model` after checking it holds every tensor the model has, at the
    right shape. Raises ReferenceError naming the file and what is wrong."""
    check_checkpoint_file(path)
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:  # a truncated or damaged archive raises from deep inside torch
        raise ReferenceError("cannot read the checkpoint %s (%s): download it again" % (path, str(e).split("\n")[0]))
    if isinstance(state, dict) and isinstance(state.get("model"), dict):
        state = state["model"]
    if not isinstance(state, dict):
        raise ReferenceError("%s does not hold a state dict" % path)
    expected = {checkpoint_name(k): v for k, v in model.state_dict().items()}
    missing = sorted(k for k in expected if k not in state)
    misshaped = sorted("%s %s (expected %s)" % (k, tuple(state[k].shape), tuple(expected[k].shape))
                       for k in expected if k in state and tuple(state[k].shape) != tuple(expected[k].shape))
    if missing or misshaped:
        lines = ["%s is not the SAM3 checkpoint this exporter knows:" % path]
        if missing:
            lines.append("%d missing tensors, e.g. %s" % (len(missing), ", ".join(missing[:5])))
        if misshaped:
            lines.append("%d tensors of another shape, e.g. %s" % (len(misshaped), "; ".join(misshaped[:5])))
        lines.append("use sam3.pt from facebook/sam3 (image+video model) with sam3==%s" % SUPPORTED_SAM3[0])
        raise ReferenceError("\n  ".join(lines))
    renamed = {k: state[checkpoint_name(k)] for k in model.state_dict()}
    model.load_state_dict(renamed, strict=True)
    return len(state) - len(expected)  # tensors the image model does not use (video memory, ...)
