namespace Equimodal.Models;

/// <summary>Weight file formats understood by PyTorch.</summary>
public enum WeightFormat
{
    /// <summary>Hugging Face safetensors (safetensors.torch.load_file).</summary>
    Safetensors,

    /// <summary>A pickled state dict as written by torch.save (torch.load).</summary>
    PyTorch,
}
