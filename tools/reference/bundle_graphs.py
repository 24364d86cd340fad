"""The bundle's TorchScript graphs as modules around the official SAM3 image model (contract:
engine/bundle/BUNDLE.md), what a LibTorch 1.13 target needs replaced before tracing, and the
weights a bfloat16 graph stores in bfloat16.
Reference venv only (tools/setup_reference.sh)."""
import contextlib
import math

TEXT_LEN = 32


# Queries per block in the legacy attention: the ViT's 4 global blocks attend 5,184 tokens to
# 5,184 with 16 heads, and whole score matrices (1.7 GB, twice with the softmax) were the
# largest part of the app's peak memory during an encode; 1,024 rows keep a block at 340 MB.
ATTENTION_ROWS = 1024


def _attend(query, key, value, attn_mask, scale):
    # The scale goes on the queries (n x d), not on the scores (n x m): scaling the scores was
    # 2.3 s of the grounding head's 12.4 s in LibTorch 1.13 (profiled, 2 threads).
    import torch
    scores = torch.matmul(query * scale, key.transpose(-2, -1))
    if attn_mask is not None:
        scores = scores.masked_fill(~attn_mask, float("-inf")) if attn_mask.dtype == torch.bool else scores + attn_mask
    return torch.matmul(torch.softmax(scores, dim=-1), value)


def legacy_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None, **_):
    """scaled_dot_product_attention in operators LibTorch 1.13 has (matmul, softmax), in blocks
    of query rows (each row's softmax is independent of the others)."""
    import torch
    scale = scale if scale is not None else 1.0 / math.sqrt(query.shape[-1])
    n = query.shape[-2]
    if is_causal:
        causal = torch.ones(n, key.shape[-2], dtype=torch.bool, device=query.device).tril()
        attn_mask = causal if attn_mask is None else (attn_mask & causal if attn_mask.dtype == torch.bool
                                                      else attn_mask.masked_fill(~causal, float("-inf")))
    if n <= ATTENTION_ROWS:
        return _attend(query, key, value, attn_mask, scale)
    rows_of_mask = attn_mask is not None and attn_mask.dim() >= 2 and attn_mask.shape[-2] == n
    blocks = []
    for start in range(0, n, ATTENTION_ROWS):
        stop = min(start + ATTENTION_ROWS, n)
        mask = attn_mask[..., start:stop, :] if rows_of_mask else attn_mask
        blocks.append(_attend(query[..., start:stop, :], key, value, mask, scale))
    return torch.cat(blocks, dim=-2)


@contextlib.contextmanager
def libtorch_target(torch, target):
    """While tracing for LibTorch 1.13: SDPA (absent there) becomes matmul + softmax, and
    nn.MultiheadAttention takes its plain path (its fused fast path and the SDPA inside
    multi_head_attention_forward are 2.x-only operators)."""
    if target != "1.13":
        yield
        return
    functional = torch.nn.functional
    saved_sdpa = functional.scaled_dot_product_attention
    mha = torch.backends.mha
    saved_fast = mha.get_fastpath_enabled() if hasattr(mha, "get_fastpath_enabled") else None
    functional.scaled_dot_product_attention = legacy_attention
    if saved_fast is not None:
        mha.set_fastpath_enabled(False)
    try:
        yield
    finally:
        functional.scaled_dot_product_attention = saved_sdpa
        if saved_fast is not None:
            mha.set_fastpath_enabled(saved_fast)


def _without(module, *children):
    """A shallow copy of `module` without the named child modules, so that a traced graph holds
    only the parameters it uses (a trace saves every parameter reachable from its module)."""
    import copy
    pruned = copy.copy(module)
    pruned._modules = {k: v for k, v in module._modules.items() if k not in children}
    return pruned


def build_wrappers(torch, model):
    """(backbone, grounding head, text encoder): tensor-only modules in the bundle's contract."""
    nn = torch.nn
    from sam3.model.data_misc import FindStage
    # The segmentation head checkpoints its pixel decoder even in eval mode (the flag is not
    # tied to training); checkpointing changes no value but is a Python autograd function that
    # TorchScript cannot save.
    if getattr(model.segmentation_head, "act_ckpt", False):
        model.segmentation_head.act_ckpt = False

    class Backbone(nn.Module):
        """image [1,3,1008,1008] -> detector_fpn_0..2 (after scalp) and tracker_fpn_0..2 (raw,
        before conv_s0/conv_s1, which the app applies natively)."""

        def __init__(self):
            super().__init__()
            self.backbone = _without(model.backbone, "language_backbone")

        def forward(self, image):
            out = self.backbone.forward_image(image)
            detector, tracker = out["backbone_fpn"], out["sam2_backbone_out"]["backbone_fpn"]
            result = {}
            for i in range(3):
                result["detector_fpn_%d" % i] = detector[i]
                result["tracker_fpn_%d" % i] = tracker[i]
            return result

    class GroundingHead(nn.Module):
        """Sam3Image.forward_grounding after _encode_prompt: the fusion encoder, the DETR decoder
        with scoring and boxes, and the segmentation head, on cached features and a prompt made
        by the app (text tokens + the native geometry encoder's tokens)."""

        def __init__(self):
            super().__init__()
            self.model = _without(model, "backbone", "geometry_encoder", "inst_interactive_predictor")
            self.position_encoding = model.backbone.vision_backbone.position_encoding

        def forward(self, fpn0, fpn1, fpn2, prompt, prompt_mask):
            m = self.model
            feats = [fpn0, fpn1, fpn2]
            # One image, B prompts (several phrases at once): every prompt reads image 0.
            ids = torch.zeros(prompt.size(1), dtype=torch.long, device=fpn0.device)
            find = FindStage(img_ids=ids, text_ids=ids, input_boxes=None, input_boxes_mask=None,
                             input_boxes_label=None, input_points=None, input_points_mask=None)
            backbone_out = {"backbone_fpn": feats, "vision_features": fpn2,
                            "vision_pos_enc": [self.position_encoding(f).to(f.dtype) for f in feats]}
            backbone_out, encoder_out, _ = m._run_encoder(backbone_out, find, prompt, prompt_mask)
            out = {"encoder_hidden_states": encoder_out["encoder_hidden_states"]}
            out, hs = m._run_decoder(memory=out["encoder_hidden_states"], pos_embed=encoder_out["pos_embed"],
                                     src_mask=encoder_out["padding_mask"], out=out, prompt=prompt,
                                     prompt_mask=prompt_mask, encoder_out=encoder_out)
            m._run_segmentation_heads(out=out, backbone_out=backbone_out, img_ids=find.img_ids,
                                      vis_feat_sizes=encoder_out["vis_feat_sizes"],
                                      encoder_hidden_states=out["encoder_hidden_states"], prompt=prompt,
                                      prompt_mask=prompt_mask, hs=hs)
            return {"pred_logits": out["pred_logits"], "pred_boxes": out["pred_boxes"],
                    "pred_masks": out["pred_masks"], "presence_logit": out["presence_logit_dec"]}

    class TextEncoder(nn.Module):
        """tokens int64 [B, 32] -> features [32, B, 256] (VETextEncoder.forward after its own
        tokenizer: the transformer's token outputs, sequence-first, through the resizer) and
        mask bool [B, 32] (true = padding)."""

        def __init__(self):
            super().__init__()
            self.language = model.backbone.language_backbone

        def forward(self, tokens):
            _, memory = self.language.encoder(tokens)
            return {"features": self.language.resizer(memory.transpose(0, 1)), "mask": tokens == 0}

    return Backbone().eval(), GroundingHead().eval(), TextEncoder().eval()


# The modules whose weights CPU and CUDA autocast hand to bf16 matrix products (linear, conv,
# matmul): stored in bf16, so that the graph traced under autocast casts nothing at run time
# (plain autocast re-casts every fp32 weight at every call, a pass over 1.7 GB per encode).
# Normalisation, embeddings and position codes stay float32, as autocast keeps them.
def cast_matrix_weights(torch, module, dtype):
    """Casts, in place, the weights autocast would cast for a matrix product; returns how many
    parameters changed."""
    nn = torch.nn
    cast = 0
    for sub in module.modules():
        names = ()
        if isinstance(sub, (nn.Linear, nn.Conv1d, nn.Conv2d, nn.ConvTranspose2d)):
            names = ("weight", "bias")
        elif isinstance(sub, nn.MultiheadAttention):
            names = ("in_proj_weight", "in_proj_bias", "q_proj_weight", "k_proj_weight", "v_proj_weight")
        for name in names:
            p = getattr(sub, name, None)
            if p is not None and p.is_floating_point() and p.dtype != dtype:
                p.data = p.data.to(dtype)
                cast += 1
    return cast


def _method_graphs(module):
    """(qualified name, forward graph) of `module` and every submodule of a traced module."""
    for name, sub in module.named_modules():
        try:
            yield name or "<top>", sub.graph
        except (AttributeError, RuntimeError):
            continue


def _pinned_tensors(graph):
    """Tensor constants with elements that reach an operator other than `to` (0-dim ones act as
    scalars on any device): e.g. the decoder's cached box-coordinate grid."""
    pinned = []
    for node in graph.findAllNodes("prim::Constant", True):
        value = node.output().toIValue() if node.output().type().kind() == "TensorType" else None
        if hasattr(value, "dim") and value.dim() > 0:
            if {use.user.kind() for use in node.output().uses()} - {"aten::to"}:
                pinned.append(node)
    return pinned


def make_device_portable(torch, module):
    """Tracing records the device of every tensor it saw: as `device="cpu"` constants (arange,
    zeros, to) and as tensor constants (cached grids), so a bundle traced on the CPU would move
    work back to the CPU, or fail, when LibTorch runs it on a GPU. Each device constant becomes
    the device of the graph's first tensor input, and each tensor constant is moved there
    (`to(device)`, a no-op on the CPU), so the graphs run wherever their inputs are. Returns how
    many constants were rewritten; refuses a graph that has them but no tensor input."""
    rewritten = 0
    for name, graph in _method_graphs(module):
        devices = [n for n in graph.findAllNodes("prim::Constant", True) if n.output().type().kind() == "DeviceObjType"]
        pinned = _pinned_tensors(graph)
        if not devices and not pinned:
            continue
        tensors = [v for v in list(graph.inputs())[1:] if v.type().kind() == "TensorType"]
        if not tensors:
            raise RuntimeError("%s fixes a device but has no tensor input to take the device from" % name)
        device = graph.create("prim::device", [tensors[0]])
        device.output().setType(torch._C.DeviceObjType.get())
        device.insertBefore(next(iter(graph.nodes())))
        for constant in devices:
            constant.output().replaceAllUsesWith(device.output())
            constant.destroy()
        for constant in pinned:
            # Right after the constant (traced graphs define constants where first used, possibly
            # in a sub-block); the device node at the top dominates every place.
            none, false = graph.insertConstant(None), graph.insertConstant(False)
            none.node().moveAfter(constant)
            false.node().moveAfter(none.node())
            moved = graph.create("aten::to", [constant.output(), device.output(), none, false, false])
            moved.output().setType(torch._C.TensorType.get())
            moved.insertAfter(false.node())
            for use in list(constant.output().uses()):
                if use.user is not moved:
                    use.user.replaceInput(use.offset, moved.output())
        rewritten += len(devices) + len(pinned)
    return rewritten


def device_problems(module):
    """What would still tie a traced module to one device (empty when it runs anywhere)."""
    problems = []
    for name, graph in _method_graphs(module):
        for node in graph.findAllNodes("prim::Constant", True):
            if node.output().type().kind() == "DeviceObjType":
                problems.append("%s: a %s constant" % (name, node.output().toIValue()))
        for node in _pinned_tensors(graph):
            problems.append("%s: a %s tensor constant used by %s" % (
                name, tuple(node.output().toIValue().shape), sorted({u.user.kind() for u in node.output().uses()})))
    return problems


def graph_ops(module, prefixes=("sam3::", "torchvision::")):
    """Custom operators a traced module calls (the manifest's "ops")."""
    return sorted({node.kind() for node in module.inlined_graph.nodes() if node.kind().startswith(prefixes)})


def max_relative_difference(eager, traced):
    """max |eager - traced| / max(|eager|, 1e-6), over every tensor of two equal dicts."""
    worst = 0.0
    for key, a in eager.items():
        b = traced[key]
        if a.dtype == b.dtype and not a.dtype.is_floating_point:
            worst = max(worst, 0.0 if bool((a == b).all()) else math.inf)
            continue
        a, b = a.float(), b.float()
        if a.numel():
            worst = max(worst, (a - b).abs().max().item() / max(a.abs().max().item(), 1e-6))
    return worst
