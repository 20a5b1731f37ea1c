using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Equimodal.Models;

/// <summary>Weight file formats understood by PyTorch.</summary>
public enum WeightFormat
{
    /// <summary>Hugging Face safetensors (safetensors.torch.load_file).</summary>
    Safetensors,

    /// <summary>A pickled state dict as written by torch.save (torch.load).</summary>
    PyTorch,
}
