namespace Equimodal.Training;

/// <summary>Thrown when a loss or gradient stops being finite; the message says where and which setting to lower.</summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TrainingDivergedException(string message) : base(message)
    {
    }
}
