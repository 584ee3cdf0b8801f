#include <catch2/catch.hpp>
int main(){return 77;}
