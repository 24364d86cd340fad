// sam3_resources holds only Qt resources; this unit gives the library a linkable object.
namespace sam3::resources {
int anchor() { return 0; }
}  // namespace sam3::resources
