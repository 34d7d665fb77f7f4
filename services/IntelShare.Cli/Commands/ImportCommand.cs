using System.CommandLine;
using Google.Protobuf.WellKnownTypes;
using IntelShare.Cli.Import;
using IntelShare.Contracts.V1;
using IntelShare.Policy;

namespace IntelShare.Cli.Commands;

/// <summary>import: bulk intake of an agency's CSV or JSON Lines export.</summary>
internal static class ImportCommand
{
    private const int DefaultBatchSize = 2000;

    public static Command Create(CliRun run, Option<string> server)
    {
        var file = new Argument<string>("file")
        {
            Description = "The CSV (with a header row), JSON Lines or JSON array file to import. A JSON row is either a record in the platform's own shape " +
                "(only source_ref, person, links... keys) or a flat object read like a CSV row: a list is the ';'-separated list repeated fields take, " +
                "and a nested object's keys are columns joined with '_' (evaluation.source is evaluation_source).",
        };
        var type = new Option<string>("--type", "-t") { Description = "The kind of record each row is.", Required = true };
        type.AcceptOnlyFromAmong([.. RecordTypes.Names]);
        var format = new Option<string>("--format") { Description = "csv or jsonl (default: from the file's extension); jsonl also reads a file holding one JSON array." };
        format.AcceptOnlyFromAmong("csv", "jsonl");
        var encoding = new Option<string>("--encoding")
        {
            Description = "The file's text encoding when it has no byte order mark: utf-8 (the default), windows-1252, iso-8859-1, iso-8859-2, utf-16... " +
                "A file that is not text in it is refused, naming the line, before anything is sent.",
            HelpName = "name",
        };
        var mapping = new Option<string>("--mapping")
        {
            Description = "A JSON file mapping record fields to columns, e.g. {\"person.name.family_name\": \"surname\", " +
                "\"person.date_of_birth\": {\"column\": \"dob\", \"format\": \"dd/MM/yyyy\"}, \"person.phones\": {\"columns\": [\"mobile\", \"alt_phone\"]}}. " +
                "\"columns\" are tried in order in each row, the first with a value giving the field's; a list field (phones, aliases) takes the values of all of them. " +
                "Without it, common column names are recognised.",
            HelpName = "mapping.json",
        };
        var sourceRefColumn = new Option<string>("--source-ref-column")
        {
            Description = "The column holding your own reference for each row, which every record needs (default: a column named source_ref, rec_id, record_ref, reference, ref or id): " +
                "re-importing the same reference and content is recognised as a duplicate.",
            HelpName = "column",
        };
        var classification = CommonOptions.Enum<Classification>("--classification", "Classification of every record (default OFFICIAL_SENSITIVE).");
        var releasableTo = CommonOptions.List("--releasable-to", "Agencies that may read the records, comma-separated or repeated (default: your agency only).", "agency,...");
        var allPartners = new Option<bool>("--all-partners") { Description = "Releasable to every partner agency." };
        var handling = CommonOptions.Enum<HandlingCode>("--handling", "3x5x2 handling code: P (lawful sharing permitted, the default) or C (sharing with --conditions).");
        var conditions = new Option<string>("--conditions") { Description = "The conditions that travel with the data under handling code C.", HelpName = "text" };
        var caveats = CommonOptions.List("--caveat", "A caveat readers need an entitlement for (VICTIM_IDENTITY, SOURCE_SENSITIVE, CHILD); repeatable.", "caveat");
        var cases = CommonOptions.List("--case", "A case or operation reference the records belong to; repeatable.", "ref");
        var discoverable = new Option<bool>("--discoverable")
        {
            Description = "Whether agencies that may not read the records may learn that they exist and who holds them (default true).",
            HelpName = "true|false",
            DefaultValueFactory = _ => true,
        };
        var reviewDate = new Option<string>("--review-date") { Description = "When the records are due for retention review (YYYY-MM-DD).", HelpName = "date" };
        var batchSize = new Option<int>("--batch-size")
        {
            Description = "Rows per acknowledged batch; an interrupted import resumes after the last acknowledged batch.",
            HelpName = "rows",
            DefaultValueFactory = _ => DefaultBatchSize,
        };
        batchSize.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--batch-size must be at least 1.");
            }
        });
        var rejects = new Option<string>("--rejects")
        {
            Description = "Where rejected rows and their problems go (default: <file>.rejects.csv, or <file name>.rejects.csv in the current directory " +
                "when the input's directory is read-only; <file>.dry-run.rejects.csv with --dry-run).",
            HelpName = "file",
        };
        var restart = new Option<bool>("--restart") { Description = "Start from the first row even if an earlier run of this import was interrupted." };
        var dryRun = new Option<bool>("--dry-run")
        {
            Description = "Read and map the file and report the rows the import would reject, the platform's rules included: every row is checked by the platform " +
                "in batches as the import sends them (RecordsService.CheckContributions, which stores nothing); no record is sent. " +
                "Not signed in, or with no platform answering, only the client's own checks are made, and the run says so.",
        };

        var command = new Command(
            "import",
            "Import an agency's records from a CSV or JSON Lines file in acknowledged batches. " +
            "Every record gets the marking given by the options; the platform records your agency as the originator. " +
            "An interrupted import resumes where it stopped when the same command is run again.")
        {
            file, type, format, encoding, mapping, sourceRefColumn, classification, releasableTo, allPartners, handling, conditions,
            caveats, cases, discoverable, reviewDate, batchSize, rejects, restart, dryRun,
        };

        command.SetAction(async (parseResult, ct) =>
        {
            var path = InputFiles.Require(parseResult.GetRequiredValue(file));

            var body = RecordTypes.Body(parseResult.GetRequiredValue(type));
            var recordMapping = parseResult.GetValue(mapping) is { } mappingFile ? RecordMapping.Load(mappingFile, body) : RecordMapping.Default(body);
            if (parseResult.GetValue(sourceRefColumn) is { } column)
            {
                recordMapping = recordMapping.WithSourceRefColumn(column);
            }

            var marking = new Marking
            {
                Classification = parseResult.GetValue(classification) is var level && level != Classification.Unspecified ? level : Classification.OfficialSensitive,
                ReleaseToAllPartners = parseResult.GetValue(allPartners),
                Handling = Handling(parseResult.GetValue(handling), parseResult.GetValue(conditions)),
                Discoverable = parseResult.GetValue(discoverable),
                ReviewDate = ReviewDate(parseResult.GetValue(reviewDate)),
            };
            marking.ReleasableTo.Add(Codes("--releasable-to", parseResult.GetValue(releasableTo)));
            marking.Caveats.Add(Codes("--caveat", parseResult.GetValue(caveats)));
            if (marking.Caveats.FirstOrDefault(c => !CaveatNames.TryParse(c, out _)) is { } unknownCaveat)
            {
                // Every row would be refused for it: better said once, before the file is read.
                throw new UsageException($"--caveat {unknownCaveat} is not a caveat: use {CaveatNames.Format(CaveatNames.All)}.");
            }

            marking.CaseRefs.Add(parseResult.GetValue(cases) ?? []);
            if (marking.ReleaseToAllPartners && marking.ReleasableTo.Count > 0)
            {
                throw new UsageException("Give either --all-partners or --releasable-to, not both.");
            }

            var request = new ImportRequest
            {
                File = path,
                Format = RowReaders.FormatOf(path, parseResult.GetValue(format)),
                Encoding = SourceText.Named(parseResult.GetValue(encoding)),
                Mapping = recordMapping,
                Marking = marking,
                BatchSize = parseResult.GetValue(batchSize),
                RequestedRejectsPath = parseResult.GetValue(rejects),
                Restart = parseResult.GetValue(restart),
                DryRun = parseResult.GetValue(dryRun),
            };
            return await new ImportRunner(run).RunAsync(request, parseResult.GetValue(server), ct);
        });
        return command;
    }

    /// <summary>P unless conditions are given; C always with its conditions, which is what makes it C.</summary>
    private static Handling Handling(HandlingCode code, string? conditions)
    {
        var hasConditions = !string.IsNullOrWhiteSpace(conditions);
        code = code == HandlingCode.Unspecified ? (hasConditions ? HandlingCode.HandlingC : HandlingCode.HandlingP) : code;
        return (code, hasConditions) switch
        {
            (HandlingCode.HandlingC, false) => throw new UsageException("--handling C needs --conditions: the conditions that travel with the data."),
            (HandlingCode.HandlingP, true) => throw new UsageException("--conditions apply to handling code C; P means sharing without conditions."),
            _ => new Handling { Code = code, Conditions = conditions?.Trim() ?? "" },
        };
    }

    /// <summary>
    /// Agency codes and caveats, upper-cased. A malformed one is caught here rather than by the
    /// server on every row of the file.
    /// </summary>
    private static IEnumerable<string> Codes(string option, string[]? values)
    {
        var codes = (values ?? []).Select(v => v.ToUpperInvariant()).ToList();
        var invalid = codes.Where(c => !c.All(ch => char.IsAsciiLetterUpper(ch) || char.IsAsciiDigit(ch) || ch is '-' or '_')).ToList();
        return invalid.Count == 0
            ? codes
            : throw new UsageException($"{option}: {string.Join(", ", invalid.Select(c => $"'{c}'"))} is not a code (letters, digits, '-' and '_'; several are separated by commas).");
    }

    private static Timestamp? ReviewDate(string? text)
    {
        try
        {
            return text is null ? null : FieldValues.ParseTimestamp(text, "yyyy-MM-dd");
        }
        catch (FieldValueException e)
        {
            throw new UsageException($"--review-date: {e.Message}.");
        }
    }
}
