using IntelShare.Access.Extensions;
using IntelShare.Audit.Extensions;
using IntelShare.Graph.Extensions;
using IntelShare.Host;
using IntelShare.Identity.Extensions;
using IntelShare.Projections;
using IntelShare.Records.Extensions;
using IntelShare.Resolution.Extensions;
using IntelShare.Search.Extensions;
using IntelShare.ServiceDefaults;

// Every IntelShare service in one process on the embedded engines: the default way to run the platform.
var builder = WebApplication.CreateBuilder(args).ListenOnDefaultAddressUnlessGiven();
builder.AddServiceDefaults();
builder.AddIdentityServices();
builder.AddAuditServices();
builder.AddAccessServices();
builder.AddRecordsServices();
builder.AddGraphServices();
builder.AddResolutionServices();
builder.AddSearchServices();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapIdentityEndpoints();
app.MapAuditEndpoints();
app.MapAccessEndpoints();
app.MapRecordsEndpoints();
app.MapGraphEndpoints();
app.MapResolutionEndpoints();
app.MapSearchEndpoints();
app.MapProjectionEndpoints();
app.RunService();
