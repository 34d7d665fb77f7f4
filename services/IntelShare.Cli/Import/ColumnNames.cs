namespace IntelShare.Cli.Import;

/// <summary>
/// Column names compared the way people write them: "Date of Birth", "date-of-birth" and
/// " date_of_birth" (Febrl's ", " separators) are one column.
/// </summary>
internal static class ColumnNames
{
    public static string Normalise(string name)
    {
        var builder = new System.Text.StringBuilder(name.Length);
        foreach (var c in name.Trim())
        {
            if (char.IsWhiteSpace(c) || c is '-' or '.')
            {
                if (builder.Length > 0 && builder[^1] != '_')
                {
                    builder.Append('_');
                }
            }
            else
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }
}
