namespace Equimodal.Reporting.TensorBoard;

/// <summary>CRC-32C (Castagnoli), the checksum of TFRecord framing, and its masked form.</summary>
public static class Crc32C
{
    private const uint ReversedPolynomial = 0x82F63B78;
    private static readonly uint[] Table = BuildTable();

    /// <summary>The CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    /// <summary>The masked CRC TFRecord stores: rotated right by 15 bits plus a constant (so a CRC of CRCs is not trivial).</summary>
    public static uint Masked(ReadOnlySpan<byte> data)
    {
        uint crc = Compute(data);
        return ((crc >> 15) | (crc << 17)) + 0xA282EAD8;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >> 1) ^ ReversedPolynomial : c >> 1;
            table[i] = c;
        }
        return table;
    }
}
