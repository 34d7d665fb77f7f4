using IntelShare.Normalisation;
using IntelShare.Resolution.Engine.Model;

namespace IntelShare.Resolution.Engine;

public sealed record VehicleRecord(string RecordId, string? Plate, string? Country);

public sealed record AccountRecord(string RecordId, string? Iban, string? AccountNumber = null, string? BankCode = null);

public sealed record PhoneRecord(string RecordId, string? Number, string? Region = null);

/// <summary>
/// Identifiers that resolve exactly, not by likelihood: two records with the same canonical key are the same
/// phone, vehicle, document or account. Keys are prefixed by kind, so a plate never collides with a passport number.
/// Empty string when the record has nothing to key on.
/// </summary>
public static class DeterministicKeys
{
    /// <summary>Each kind's key prefix: whoever keys by these tells the kind of an identifier from its key alone.</summary>
    public const string PhonePrefix = "phone:", VehiclePrefix = "vehicle:", DocumentPrefix = "document:", AccountPrefix = "account:";

    public static string Phone(string? number, string? region = null) =>
        PhoneNumberText.Normalise(number, region) is { Length: > 0 } e164 ? PhonePrefix + e164 : "";

    /// <summary>Plates repeat across countries, so the country is part of the key ("??" when unknown).</summary>
    public static string Vehicle(string? plate, string? country) =>
        Identifiers.Normalise(plate) is { Length: > 0 } p ? $"{VehiclePrefix}{Country(country)}:{p}" : "";

    /// <summary>Kind-agnostic: a number recorded once as a passport and once as an ID card is the same document.</summary>
    public static string Document(string? number, string? issuingCountry) =>
        Identifiers.Normalise(number) is { Length: > 0 } n ? $"{DocumentPrefix}{Country(issuingCountry)}:{n}" : "";

    /// <summary>An IBAN is globally unique; a bare account number only within its bank.</summary>
    public static string Account(string? iban, string? accountNumber = null, string? bankCode = null)
    {
        var normalisedIban = Identifiers.Normalise(iban);
        if (normalisedIban.Length >= 15 && char.IsAsciiLetter(normalisedIban[0]) && char.IsAsciiLetter(normalisedIban[1]) && char.IsAsciiDigit(normalisedIban[2]))
        {
            return AccountPrefix + normalisedIban;
        }

        var number = Identifiers.Normalise(accountNumber ?? iban);
        return number.Length > 0 ? $"{AccountPrefix}{Identifiers.Normalise(bankCode)}:{number}" : "";
    }

    public static string KeyOf(VehicleRecord vehicle) => Vehicle(vehicle.Plate, vehicle.Country);

    public static string KeyOf(AccountRecord account) => Account(account.Iban, account.AccountNumber, account.BankCode);

    public static string KeyOf(PhoneRecord phone) => Phone(phone.Number, phone.Region);

    /// <summary>The exact keys a person or organisation record carries: its phones and documents.</summary>
    public static IEnumerable<string> KeysOf(ResolutionRecord record, string? defaultRegion = null)
    {
        var region = record.Addresses.Select(a => a.Country).FirstOrDefault(c => !string.IsNullOrWhiteSpace(c)) ?? defaultRegion;
        var phones = record.Phones.Select(p => Phone(p, region));
        var documents = record is PersonRecord person ? person.Documents.Select(d => Document(d.Number, d.IssuingCountry)) : [];
        return phones.Concat(documents).Where(k => k.Length > 0).Distinct();
    }

    private static string Country(string? country) => Identifiers.Normalise(country) is { Length: 2 } code ? code : "??";
}
