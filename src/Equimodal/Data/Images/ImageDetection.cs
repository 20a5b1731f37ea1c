namespace Equimodal.Data.Images;

/// <summary>Which image settings of the <c>folder</c> dataset follow its files instead of <see cref="ImageSettings"/>.</summary>
[Flags]
public enum ImageDetection
{
    /// <summary>Every setting as given.</summary>
    None = 0,
    /// <summary>Height and width: the first image's larger side, at most the default size.</summary>
    Size = 1,
    /// <summary>1 when the first image is grey, else 3.</summary>
    Channels = 2,
    /// <summary>1 for a single image, else the first frame folder's frame count, at most the default.</summary>
    Frames = 4,
    /// <summary>Size, channels and frames.</summary>
    All = Size | Channels | Frames,
}
