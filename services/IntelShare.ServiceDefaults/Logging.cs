using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IntelShare.ServiceDefaults;

public static class LoggingExtensions
{
    /// <summary>JSON logs outside development, so that log shippers get fields rather than prose.</summary>
    public static IHostApplicationBuilder AddStructuredLogging(this IHostApplicationBuilder builder)
    {
        if (!builder.Environment.IsDevelopment())
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(options =>
            {
                options.IncludeScopes = true;
                options.TimestampFormat = "O";
                options.UseUtcTimestamp = true;
            });
        }

        return builder;
    }
}
