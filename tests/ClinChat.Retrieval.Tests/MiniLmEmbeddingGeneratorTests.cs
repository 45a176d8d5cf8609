using ClinChat.Retrieval.Embeddings;
using Microsoft.Extensions.AI;

namespace ClinChat.Retrieval.Tests;

[Collection(nameof(ModelCollection))]
public sealed class MiniLmEmbeddingGeneratorTests(KnowledgeBaseFixture fixture)
{
    [Fact]
    public async Task Generate_ReturnsUnitVectorsInInputOrder()
    {
        string[] texts = ["Gout is treated with colchicine.", "A", "Hyperkalaemia causes peaked T waves on the electrocardiogram and needs urgent calcium."];

        var embeddings = await fixture.Model.GenerateAsync(texts);
        var again = await fixture.Model.GenerateAsync([texts[2]]);

        Assert.Equal(3, embeddings.Count);
        Assert.All(embeddings, e => Assert.Equal(MiniLmEmbeddingGenerator.Dimensions, e.Vector.Length));
        Assert.All(embeddings, e => Assert.Equal(1f, MathF.Sqrt(e.Vector.ToArray().Sum(v => v * v)), 3));

        // Batches are sorted by length inside; results must still line up with the inputs.
        Assert.Equal(again[0].Vector.ToArray(), embeddings[2].Vector.ToArray(), new ToleranceComparer(1e-4f));
    }

    [Fact]
    public async Task Generate_RelatedTextsAreCloserThanUnrelated()
    {
        var embeddings = await fixture.Model.GenerateAsync(["How is gout treated?", "Colchicine treats acute gout flares.", "The train leaves at noon."]);
        float Cosine(int a, int b) => System.Numerics.Tensors.TensorPrimitives.Dot(embeddings[a].Vector.Span, embeddings[b].Vector.Span);

        Assert.True(Cosine(0, 1) > Cosine(0, 2) + 0.2f, $"related {Cosine(0, 1)}, unrelated {Cosine(0, 2)}");
    }

    [Fact]
    public void GetService_Metadata_NamesTheModel()
    {
        var metadata = fixture.Model.GetService<EmbeddingGeneratorMetadata>();

        Assert.Equal((MiniLmEmbeddingGenerator.ModelId, MiniLmEmbeddingGenerator.Dimensions), (metadata?.DefaultModelId, metadata?.DefaultModelDimensions));
    }

    private sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => MathF.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
