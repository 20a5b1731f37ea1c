using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Equimodal.Cli.Settings;

/// <summary>
/// Base of every command's settings: rejects non-finite numbers in every floating-point flag (no flag has a use for
/// NaN or infinity), then runs the command's own <see cref="Check"/>. Flags added later are covered without a change here.
/// </summary>
public abstract class CheckedSettings : CommandSettings
{
    /// <inheritdoc />
    public sealed override ValidationResult Validate()
    {
        try
        {
            RejectNonFiniteNumbers();
            Check();
            return ValidationResult.Success();
        }
        catch (ArgumentException e)
        {
            // The library names its own properties ("TrainingOptions.Epochs"); the user gave flags.
            return ValidationResult.Error(SettingFlags.InFlagTerms(GetType(), e.Message));
        }
    }

    /// <summary>Checks names and ranges; throws <see cref="ArgumentException"/> naming the first bad flag. Overrides call the base first.</summary>
    protected virtual void Check()
    {
    }

    private void RejectNonFiniteNumbers()
    {
        foreach (CommandOption option in CommandOptions.Of(GetType()))
        {
            if (option.Property.GetValue(this) is double value && !double.IsFinite(value))
                throw new ArgumentException($"{option.Flag} must be a finite number, got {value.ToString(CultureInfo.InvariantCulture)}.");
        }
    }
}
