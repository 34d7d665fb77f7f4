using IntelShare.Projections;
using IntelShare.Resolution.Extensions;
using IntelShare.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddResolutionServices();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapResolutionEndpoints();
app.MapProjectionEndpoints();
app.RunService();
