using IntelShare.Domain;
using IntelShare.Platform.Tests.Infrastructure;

namespace IntelShare.Platform.Tests;

public sealed class AgencyDirectoryTests
{
    private readonly ManualClock _clock = new() { Now = new DateTimeOffset(2026, 11, 29, 9, 0, 0, TimeSpan.Zero) };
    private readonly List<string> _registered = ["POL-ATU", "BORDER"];
    private int _reads;

    private CachedAgencyDirectory Directory() => new(_ =>
    {
        _reads++;
        return Task.FromResult<IReadOnlyCollection<string>>([.. _registered]);
    }, _clock);

    [Fact]
    public async Task Known_codes_are_answered_from_the_list_held_and_an_agency_registered_since_is_found_by_reading_again()
    {
        var directory = Directory();
        await directory.KnownAsync(["BORDER"], CancellationToken.None);
        var again = await directory.KnownAsync(["POL-ATU", "BORDER"], CancellationToken.None);
        _registered.Add("LABOUR");
        _clock.Now += CachedAgencyDirectory.MinRereadInterval;
        var afterRegistration = await directory.KnownAsync(["LABOUR"], CancellationToken.None);

        Assert.Contains("BORDER", again);
        Assert.Contains("LABOUR", afterRegistration);
        Assert.Equal(2, _reads);
    }

    [Fact]
    public async Task Rows_naming_one_unknown_agency_read_the_list_once_within_the_reread_interval_and_an_old_list_is_read_again()
    {
        var directory = Directory();
        for (var i = 0; i < 1_000; i++)
        {
            Assert.DoesNotContain("BORDRE", await directory.KnownAsync(["BORDRE"], CancellationToken.None));
        }

        var readsForUnknown = _reads;
        _clock.Now += CachedAgencyDirectory.MaxAge;
        await directory.KnownAsync(["BORDER"], CancellationToken.None);

        Assert.Equal(1, readsForUnknown);
        Assert.Equal(2, _reads);
    }
}
