using System.CommandLine;
using System.Globalization;
using IntelShare.Cli.Output;
using IntelShare.Cli.Session;
using IntelShare.Contracts.V1;
using Spectre.Console;

namespace IntelShare.Cli.Commands;

/// <summary>login, logout and whoami.</summary>
internal static class SessionCommands
{
    public static IEnumerable<Command> Create(CliRun run, Option<string> server) =>
        [Login(run, server), Logout(run), WhoAmI(run, server)];

    private static Command Login(CliRun run, Option<string> server)
    {
        var user = new Option<string>("--user", "-u") { Description = "Your user name. You are asked for the password unless --password is given.", HelpName = "name" };
        var password = new Option<string>("--password", "-p") { Description = "Your password (better typed at the hidden prompt: options end up in shell history).", HelpName = "password" };
        var clientId = new Option<string>("--client-id") { Description = "An agency system's client id, to sign in as that system (client credentials).", HelpName = "id" };
        var clientSecret = new Option<string>("--client-secret") { Description = "The system's client secret; asked for when absent.", HelpName = "secret" };
        var command = new Command(
            "login",
            "Sign in and keep the session in the IntelShare home directory (~/.intelshare, or INTELSHARE_HOME). " +
            "People sign in with --user; agency systems with --client-id and --client-secret. The session renews itself until its refresh token expires.")
        {
            user, password, clientId, clientSecret,
        };
        command.Validators.Add(result =>
        {
            var asUser = result.GetValue(user) is not null;
            var asClient = result.GetValue(clientId) is not null;
            if (asUser == asClient)
            {
                result.AddError("Sign in either as a person (--user) or as an agency system (--client-id).");
            }
            else if (asUser ? result.GetValue(clientSecret) is not null : result.GetValue(password) is not null)
            {
                result.AddError(asUser ? "--client-secret goes with --client-id, not --user." : "--password goes with --user, not --client-id.");
            }
        });

        command.SetAction(async (parseResult, ct) =>
        {
            var store = new SessionStore(run.Context.HomeDirectory);
            var serverUrl = ServerAddress.Resolve(parseResult.GetValue(server), run.Context, store.TryLoad()?.Server);
            run.Server = serverUrl;
            using var tokens = new TokenClient(run.Context, serverUrl);
            var userName = parseResult.GetValue(user);
            string principal;
            TokenResponse response;
            if (userName is not null)
            {
                principal = userName;
                var secret = await SecretPrompt.ReadAsync(run, "Password", "--password", parseResult.GetValue(password), ct);
                response = await tokens.PasswordAsync(userName, secret, ct);
            }
            else
            {
                principal = parseResult.GetValue(clientId)!;
                var secret = await SecretPrompt.ReadAsync(run, "Client secret", "--client-secret", parseResult.GetValue(clientSecret), ct);
                response = await tokens.ClientCredentialsAsync(principal, secret, ct);
            }

            store.Save(new SessionData
            {
                Server = serverUrl,
                AccessToken = response.AccessToken,
                RefreshToken = response.RefreshToken,
                ExpiresAt = response.ExpiresAt,
                Principal = principal,
                ClientCredentials = userName is null,
            });
            var renewal = response.RefreshToken is null ? "" : "; it renews itself after that";
            run.Console.Success(string.Create(
                CultureInfo.InvariantCulture,
                $"Signed in to {serverUrl} as {principal}. The access token is valid until {response.ExpiresAt.ToLocalTime():yyyy-MM-dd HH:mm}{renewal}."));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Logout(CliRun run)
    {
        var command = new Command("logout", "Forget the saved session (the tokens are deleted from this machine).");
        command.SetAction(_ =>
        {
            var removed = new SessionStore(run.Context.HomeDirectory).Delete();
            run.Console.WriteLine(removed ? "Signed out." : "Not signed in.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command WhoAmI(CliRun run, Option<string> server)
    {
        var command = new Command("whoami", "Show who the platform takes you for: user, agency, roles, clearance and caveat entitlements.");
        command.SetConnectedAction(run, server, async (_, connection, ct) =>
        {
            var subject = await connection.Identity.WhoAmIAsync(new WhoAmIRequest(), cancellationToken: ct);
            RecordRenderer.ShowSubject(run.Console, subject, connection.Server);
            return ExitCodes.Ok;
        });
        return command;
    }
}
