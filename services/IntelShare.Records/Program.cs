using IntelShare.Records.Extensions;
using IntelShare.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddRecordsServices();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapRecordsEndpoints();
app.RunService();
