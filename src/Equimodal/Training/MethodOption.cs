
namespace Equimodal.Training;

/// <summary>One option a method reads: its key, default, valid values and meaning (listed by `equimodal methods`).</summary>
/// <param name="Key">Key of --method-option KEY=VALUE.</param>
/// <param name="Default">Value used when the option is not given.</param>
/// <param name="Valid">Valid values, e.g. "[0, 1]" or "on|off".</param>
/// <param name="Description">What the option does.</param>
public sealed record MethodOption(string Key, string Default, string Valid, string Description);
