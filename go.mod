module github.com/guccho/guccho

go 1.26.0

require github.com/paulmach/orb v0.14.0

require go.mongodb.org/mongo-driver/v2 v2.5.0 // indirect
