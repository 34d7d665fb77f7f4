using System.CommandLine;
using IntelShare.Cli.Import;
using IntelShare.Cli.Output;
using IntelShare.Contracts.V1;
using Spectre.Console;

namespace IntelShare.Cli.Commands;

/// <summary>search and check: find what you may see across every agency, and the frontline hit/no-hit.</summary>
internal static class SearchCommands
{
    public static IEnumerable<Command> Create(CliRun run, Option<string> server) => [Search(run, server), Check(run, server)];

    private static Command Search(CliRun run, Option<string> server)
    {
        var query = new Argument<string>("query") { Description = "A name (any script, typos tolerated), an identifier, or report text (\"phrases\", AND, OR, NOT)." };
        var mode = CommonOptions.Enum<SearchMode>("--mode", "auto (default), name, identifier or text.", "mode");
        var born = new Option<string>("--dob") { Description = "Narrow a name search by date of birth (YYYY, YYYY-MM or YYYY-MM-DD).", HelpName = "date" };
        var types = CommonOptions.List("--type", "Only these record types (person, organisation, phone, vehicle, document, account, place, event, report).", "type,...");
        var agencies = CommonOptions.List("--agency", "Only records held by these agencies.", "agency,...");
        var nationalities = CommonOptions.List("--nationality", "Only people of these nationalities (ISO codes).", "code,...");
        var forms = CommonOptions.List("--form", "Only reports on these forms of exploitation (sexual, labour, ...).", "form,...");
        var cases = CommonOptions.List("--in-case", "Only records under these cases.", "ref,...");
        var facets = CommonOptions.List("--facet", "Count results by these fields: type, agency, nationality, exploitation_form, classification.", "field,...");
        var size = new Option<int>("--page-size") { Description = "Hits per page (default 20, at most 100).", HelpName = "n" };
        var page = new Option<string>("--page") { Description = "The page token printed under the previous page.", HelpName = "token" };
        var group = new Option<bool>("--by-entity") { Description = "Group hits by resolved entity." };
        var justification = new JustificationOptions(reasonRequired: true);
        var command = new Command("search", "Search every record you are entitled to. Records you may not read but may learn of show only who holds them; the rest are neither shown nor counted.")
        {
            query, mode, born, types, agencies, nationalities, forms, cases, facets, size, page, group,
        };
        justification.AddTo(command);
        command.SetConnectedAction(run, server, async (parseResult, connection, ct) =>
        {
            var filters = new SearchFilters();
            foreach (var type in parseResult.GetValue(types) ?? [])
            {
                try
                {
                    filters.Types_.Add(EnumValues.Parse<RecordType>(type));
                }
                catch (FieldValueException error)
                {
                    throw new UsageException($"--type {type}: {error.Message}");
                }
            }

            filters.Agencies.AddRange((parseResult.GetValue(agencies) ?? []).Select(a => a.ToUpperInvariant()));
            filters.Nationalities.AddRange(parseResult.GetValue(nationalities) ?? []);
            filters.ExploitationForms.AddRange(parseResult.GetValue(forms) ?? []);
            filters.CaseRefs.AddRange(parseResult.GetValue(cases) ?? []);
            var request = new SearchRequest
            {
                Query = parseResult.GetRequiredValue(query),
                Mode = parseResult.GetValue(mode),
                DateOfBirth = parseResult.GetValue(born) ?? "",
                Filters = filters,
                PageSize = parseResult.GetValue(size),
                PageToken = parseResult.GetValue(page) ?? "",
                GroupByEntity = parseResult.GetValue(group),
                Justification = justification.Read(parseResult),
            };
            request.Facets.AddRange(parseResult.GetValue(facets) ?? []);
            var response = await connection.Search.SearchAsync(request, cancellationToken: ct);
            run.Console.WriteLine($"{Display.Count(response.Total, "record")} you may see or learn of");
            var table = new Table().AddColumns("score", "type").AddColumn(Display.IdColumn("record")).AddColumns("held by", "what you may see", "match");
            // Grouped hits come group by group: the entity is named on its group's first row only.
            var groupStarts = response.Groups.ToDictionary(g => g.RecordIds[0], g => g.EntityId.Length > 0 ? g.EntityId : "(none)");
            if (request.GroupByEntity)
            {
                table.AddColumn("entity");
                run.Console.MarkupLine($"{response.Groups.Count:N0} people and things on this page");
            }

            foreach (var hit in response.Hits)
            {
                string[] entity = request.GroupByEntity ? [Markup.Escape(groupStarts.GetValueOrDefault(hit.RecordId, ""))] : [];
                table.AddRow([
                    hit.Score.ToString("0.00"),
                    EnumValues.Name(hit.Type),
                    hit.RecordId.Length > 0 ? Markup.Escape(hit.RecordId) : "[grey](no reference)[/]",
                    Markup.Escape(hit.HolderAgency),
                    hit.Record is null ? "[yellow]exists: ask the holder[/]" : Markup.Escape(hit.Title) + (hit.Decision.Effect == Effect.PermitRedacted ? " [grey](redacted)[/]" : ""),
                    string.Join(" … ", hit.Highlights.SelectMany(h => h.Fragments).Take(2).Select(Display.Highlight)),
                    .. entity]);
            }

            run.Console.WriteTable(table);
            foreach (var facet in response.Facets)
            {
                run.Console.MarkupLine($"[bold]{Markup.Escape(facet.Field)}[/]: {Markup.Escape(string.Join(", ", facet.Values.Select(v => $"{v.Value} {v.Count}")))}");
            }

            if (response.NextPageToken.Length > 0)
            {
                run.Console.MarkupLine($"[grey]More: --page {Markup.Escape(response.NextPageToken)}[/]");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Check(CliRun run, Option<string> server)
    {
        var document = new Option<string>("--document") { Description = "A passport or identity document number.", HelpName = "number" };
        var plate = new Option<string>("--plate") { Description = "A vehicle registration plate.", HelpName = "plate" };
        var phone = new Option<string>("--phone") { Description = "A phone number.", HelpName = "number" };
        var account = new Option<string>("--account") { Description = "An IBAN or account number.", HelpName = "number" };
        var given = new Option<string>("--given") { Description = "Given name, with --family and --dob.", HelpName = "name" };
        var family = new Option<string>("--family") { Description = "Family name, with --dob.", HelpName = "name" };
        var born = new Option<string>("--dob") { Description = "Date of birth, with --family.", HelpName = "date" };
        var country = new Option<string>("--country") { Description = "Country to read a national phone number or plate in (ISO code).", HelpName = "code" };
        var justification = new JustificationOptions(reasonRequired: false);
        var command = new Command("check", "Frontline hit/no-hit on a document, plate, phone, account or name with date of birth: who holds it and what to do, never the content unless you may read it.")
        {
            document, plate, phone, account, given, family, born, country,
        };
        justification.AddTo(command);
        command.SetConnectedAction(run, server, async (parseResult, connection, ct) =>
        {
            var justified = justification.Read(parseResult, "frontline check");
            if (justified.Purpose == Purpose.Unspecified)
            {
                justified.Purpose = Purpose.FrontlineCheck;
            }

            var request = new FrontlineCheckRequest { Country = parseResult.GetValue(country) ?? "", Justification = justified };
            var subjects = new Option<string>[] { document, plate, phone, account, family }.Where(option => parseResult.GetResult(option) is not null).ToList();
            if (subjects.Count > 1)
            {
                // A check answers for one subject: the request holds one, and a second would be dropped unseen.
                throw new UsageException($"Check one thing at a time: {string.Join(", ", subjects.Select(option => option.Name))} were all given.");
            }

            if (parseResult.GetValue(document) is { } documentNumber)
            {
                request.DocumentNumber = documentNumber;
            }
            else if (parseResult.GetValue(plate) is { } plateNumber)
            {
                request.Plate = plateNumber;
            }
            else if (parseResult.GetValue(phone) is { } phoneNumber)
            {
                request.Phone = phoneNumber;
            }
            else if (parseResult.GetValue(account) is { } accountNumber)
            {
                request.Account = accountNumber;
            }
            else if (parseResult.GetValue(family) is { } familyName)
            {
                request.Person = new NameAndBirth { GivenName = parseResult.GetValue(given) ?? "", FamilyName = familyName, DateOfBirth = parseResult.GetValue(born) ?? "" };
            }
            else
            {
                throw new UsageException("Say what to check: --document, --plate, --phone, --account, or --family with --dob.");
            }

            var response = await connection.Search.FrontlineCheckAsync(request, cancellationToken: ct);
            if (!response.Hit)
            {
                run.Console.MarkupLine($"[green]NO HIT[/] ({response.TookMs:0.0} ms)");
                return ExitCodes.Ok;
            }

            run.Console.MarkupLine($"[red bold]HIT[/] ({response.TookMs:0.0} ms)");
            foreach (var hit in response.Hits)
            {
                var reference = hit.RecordId.Length > 0 ? $" {Markup.Escape(hit.RecordId)}" : "";
                run.Console.MarkupLine($"  {EnumValues.Name(hit.Type)}{reference} held by {Markup.Escape(hit.HolderAgency)}: {Markup.Escape(hit.Action)}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
