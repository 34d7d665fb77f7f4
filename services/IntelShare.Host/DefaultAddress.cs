namespace IntelShare.Host;

public static class DefaultAddress
{
    /// <summary>Where the README and the CLI expect the platform on a developer's machine.</summary>
    public const string Url = "http://localhost:5080";

    /// <summary>
    /// Listens on <see cref="Url"/> unless an address is given some other way: --urls or ASPNETCORE_URLS, ASPNETCORE_HTTP_PORTS
    /// (as the container image is run), or Kestrel endpoints in configuration. A default written into appsettings.json would
    /// win over the ports variable and leave a container listening on its own loopback, and an endpoint there over --urls.
    /// </summary>
    public static WebApplicationBuilder ListenOnDefaultAddressUnlessGiven(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var given = new[] { "urls", "http_ports", "https_ports" }.Any(key => !string.IsNullOrWhiteSpace(configuration[key]))
            || configuration.GetSection("Kestrel:Endpoints").GetChildren().Any();
        if (!given)
        {
            builder.WebHost.UseUrls(Url);
        }

        return builder;
    }
}
