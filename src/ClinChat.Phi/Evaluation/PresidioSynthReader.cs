using System.Text.Json;

namespace ClinChat.Phi.Evaluation;

/// <summary>Reads presidio-research synthetic sentences: a JSON list of <c>{full_text, spans:[{entity_type, start_position, end_position}]}</c>.</summary>
public static class PresidioSynthReader
{
    /// <summary>Organisations, countries, titles and bare years are not Safe Harbor identifiers: ignored.</summary>
    public static PhiType? MapLabel(string label) => label switch
    {
        "PERSON" => PhiType.Name,
        "STREET_ADDRESS" or "ZIP_CODE" => PhiType.Location,
        "PHONE_NUMBER" => PhiType.Phone,
        "EMAIL_ADDRESS" => PhiType.Email,
        "US_SSN" => PhiType.Ssn,
        "CREDIT_CARD" or "IBAN_CODE" => PhiType.Account,
        "IP_ADDRESS" => PhiType.Ip,
        "US_DRIVER_LICENSE" => PhiType.License,
        "DOMAIN_NAME" => PhiType.Url,
        _ => null,
    };

    public static async Task<IReadOnlyList<GoldDocument>> ReadAsync(string file, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(file);
        using var json = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        var documents = new List<GoldDocument>();
        var index = 0;
        foreach (var item in json.RootElement.EnumerateArray())
        {
            var text = item.GetProperty("full_text").GetString() ?? "";
            var spans = new List<GoldSpan>();
            if (item.TryGetProperty("spans", out var list))
            {
                foreach (var s in list.EnumerateArray())
                {
                    var label = s.GetProperty("entity_type").GetString() ?? "";
                    spans.Add(new GoldSpan(s.GetProperty("start_position").GetInt32(), s.GetProperty("end_position").GetInt32(), label, MapLabel(label)));
                }
            }

            documents.Add(new GoldDocument((index++).ToString(System.Globalization.CultureInfo.InvariantCulture), text, spans));
        }

        return documents;
    }
}
