module mmplay

go 1.26
